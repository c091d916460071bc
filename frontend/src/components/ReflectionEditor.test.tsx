// The reflection form shared by the sessions and the klussen on "Mijn ontwikkeling": saving, the
// server's word next to the field at fault, removing after the question.
import { QueryClient, QueryClientProvider, useMutation } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiProblem } from "../api/client";
import { ReflectionEditor, type Reflection, type ReflectionDraft } from "./ReflectionEditor";

const ID = "5f0c3a1e-8d2b-4c6e-9a7f-1b2c3d4e5f60";
const NAME = "Vergaderen met besluiten";

function Editor({
  saved = null, onSave, onRemove, idPrefix, questionTakesFocus,
}: {
  saved?: Reflection | null;
  onSave: (body: ReflectionDraft) => Promise<Reflection>;
  onRemove?: () => Promise<unknown>;
  idPrefix?: string;
  questionTakesFocus?: boolean;
}) {
  const save = useMutation({ mutationFn: onSave });
  const remove = useMutation({ mutationFn: onRemove ?? (() => Promise.resolve(null)) });
  return (
    <ReflectionEditor
      id={ID}
      idPrefix={idPrefix}
      anchor={`reflectie-${ID}`}
      title={`${NAME} (1 maart 2026)`}
      name={NAME}
      saved={saved}
      save={save}
      remove={remove}
      questionTakesFocus={questionTakesFocus}
    >
      <p>Feiten</p>
    </ReflectionEditor>
  );
}

function renderEditor(props: Parameters<typeof Editor>[0]) {
  const qc = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <Editor {...props} />
    </QueryClientProvider>,
  );
}

/** A button's name: its text, then the item in brackets (jsdom drops the space before them). */
const named = (text: string) => new RegExp(`^${text} ?\\(${NAME}\\)$`);

const reflection = (r: Partial<Reflection> = {}): Reflection => ({
  learned: "Een agenda met besluiten maakt het korter.",
  will_do: "Ik stuur de agenda vooraf rond.",
  shared_with_manager: false,
  updated_at: "2026-03-02T10:00:00Z",
  ...r,
});

describe("ReflectionEditor", () => {
  it("saves what was written, trimmed, and says so; the fields show what was saved", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn((b: ReflectionDraft) => Promise.resolve(reflection({ ...b })));
    renderEditor({ onSave });
    const card = screen.getByRole("article", { name: `${NAME} (1 maart 2026)` });
    expect(within(card).getByText("Feiten")).toBeTruthy();
    expect(within(card).getByText("Nog geen reflectie geschreven.")).toBeTruthy();
    const learned = within(card).getByRole("textbox", { name: "Wat heb ik geleerd?" });
    expect(learned.id).toBe(`learned-${ID}`);
    await user.type(learned, "  Besluiten op de agenda.  ");
    await user.click(within(card).getByRole("checkbox", { name: "Deel met mijn leidinggevende" }));
    expect(within(card).getByText("Nog niet opgeslagen.")).toBeTruthy();
    await user.click(within(card).getByRole("button", { name: named("Reflectie opslaan") }));

    await screen.findByText("Je reflectie is opgeslagen en gedeeld met je leidinggevende.");
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(onSave.mock.calls[0]![0]).toEqual({ learned: "Besluiten op de agenda.", will_do: "", shared_with_manager: true });
    expect((learned as HTMLTextAreaElement).value).toBe("Besluiten op de agenda.");
  });

  it("says nothing changed instead of saving the same again", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(() => Promise.resolve(reflection()));
    renderEditor({ onSave, saved: reflection() });
    expect(screen.getByText(/^Alleen voor jou\. Laatst opgeslagen op/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: named("Reflectie opslaan") }));
    expect(await screen.findByText("Er is niets veranderd.")).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it("shows the server's word next to the field at fault", async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(() =>
      Promise.reject(new ApiProblem(422, {
        type: "https://leerweek.nl/errors/validation",
        detail: "De reflectie klopt niet.",
        errors: [{ field: "will_do", detail: "mag hoogstens 2.000 tekens lang zijn" }],
      })),
    );
    renderEditor({ onSave, idPrefix: "klus-" });
    const learned = screen.getByRole("textbox", { name: "Wat heb ik geleerd?" });
    const willDo = screen.getByRole("textbox", { name: "Wat ga ik ermee doen?" });
    expect(willDo.id).toBe(`klus-will_do-${ID}`);
    await user.type(learned, "Iets");
    await user.click(screen.getByRole("button", { name: named("Reflectie opslaan") }));

    expect((await screen.findByRole("alert")).textContent).toContain("Je reflectie is niet opgeslagen.");
    await waitFor(() => expect(willDo.getAttribute("aria-invalid")).toBe("true"));
    expect(learned.getAttribute("aria-invalid")).not.toBe("true");
    const error = document.getElementById(`klus-will_do-${ID}-error`);
    expect(error?.textContent).toContain("mag hoogstens 2.000 tekens lang zijn");
    expect(willDo.getAttribute("aria-describedby")).toContain(`klus-will_do-${ID}-error`);
  });

  it("removes after the question, empties the form and puts the focus on the heading", async () => {
    const user = userEvent.setup();
    const onRemove = vi.fn(() => Promise.resolve(null));
    renderEditor({ onSave: vi.fn(), onRemove, saved: reflection({ shared_with_manager: true }) });
    expect(screen.getByText(/^Gedeeld met je leidinggevende\. Laatst opgeslagen op/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: named("Reflectie verwijderen") }));
    const question = screen.getByRole("group", { name: `Je reflectie op ${NAME} verwijderen? Dit kan niet ongedaan worden gemaakt.` });
    expect(document.activeElement).not.toBe(question);
    await user.click(within(question).getByRole("button", { name: "Ja, verwijderen" }));

    expect(await screen.findByText("Je reflectie is verwijderd.")).toBeTruthy();
    expect(onRemove).toHaveBeenCalledTimes(1);
    expect((screen.getByRole("textbox", { name: "Wat heb ik geleerd?" }) as HTMLTextAreaElement).value).toBe("");
    expect((screen.getByRole("checkbox", { name: "Deel met mijn leidinggevende" }) as HTMLInputElement).checked).toBe(false);
    expect(document.activeElement).toBe(document.getElementById(`reflectie-${ID}`));
  });

  it("lets the question take the keyboard when asked to, and keeps the reflection on 'no'", async () => {
    const user = userEvent.setup();
    const onRemove = vi.fn(() => Promise.resolve(null));
    renderEditor({ onSave: vi.fn(), onRemove, saved: reflection(), idPrefix: "klus-", questionTakesFocus: true });
    await user.click(screen.getByRole("button", { name: named("Reflectie verwijderen") }));
    const question = screen.getByRole("group", { name: /^Je reflectie op/ });
    expect(document.activeElement).toBe(question);
    expect(document.getElementById(`klus-remove-${ID}-q`)).toBeTruthy();
    await user.click(within(question).getByRole("button", { name: "Nee, bewaren" }));
    expect(screen.queryByRole("group", { name: /^Je reflectie op/ })).toBeNull();
    expect(onRemove).not.toHaveBeenCalled();
    expect((screen.getByRole("textbox", { name: "Wat heb ik geleerd?" }) as HTMLTextAreaElement).value).toBe(reflection().learned);
  });
});
