// /klussen/mijn-reacties: the klussen I responded to, newest first, each with where it stands
// (invited, selected and waiting for my manager, final, declined), the poster's message, and
// withdrawing (after a confirmation) while that is still possible.
import { Button, Heading1, Paragraph } from "@utrecht/component-library-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { MyResponse } from "../../api/klussen";
import { usePageTitle } from "../../components/Layout";
import { Empty, Loading, ProblemAlert, Success } from "../../components/States";
import { dateTime } from "../../format";
import { useMyResponses, useWithdraw } from "../../hooks/klussen";
import { consentText, mayWithdraw } from "../../klussen";
import { AskFirst, KlusFacts, KlussenTabs, ResponseBadge, useFocusBack } from "./parts";

export default function MyResponses() {
  const { t } = useTranslation("klussen");
  usePageTitle(t("mine.title"));
  const list = useMyResponses();
  const heading = useRef<HTMLHeadingElement>(null);
  const [said, setSaid] = useState("");
  return (
    <>
      <Heading1 ref={heading} tabIndex={-1}>{t("mine.title")}</Heading1>
      <Paragraph lead>{t("mine.intro")}</Paragraph>
      <KlussenTabs />
      <div aria-live="polite">{said && <Success>{said}</Success>}</div>
      <ProblemAlert error={list.error} />
      {list.isPending && <Loading />}
      {list.data && list.data.length === 0 && (
        <Empty>
          {t("mine.empty")} <Link to="/klussen">{t("mine.toList")}</Link>
        </Empty>
      )}
      {list.data && list.data.length > 0 && (
        <ul className="lw-plain-list lw-klussen">
          {list.data.map((r) => (
            <MyResponseItem
              key={r.id}
              r={r}
              onWithdrawn={(title) => {
                setSaid(t("mine.withdrawn", { title }));
                heading.current?.focus();
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}

function MyResponseItem({ r, onWithdrawn }: { r: MyResponse; onWithdrawn: (title: string) => void }) {
  const { t } = useTranslation("klussen");
  const [asking, setAsking] = useState(false);
  const withdraw = useWithdraw();
  const button = useFocusBack(asking);
  const a = r.assignment;
  const titleId = `mine-${r.id}`;
  return (
    <li className="lw-card lw-klus">
      <article aria-labelledby={titleId}>
        <h2 id={titleId} className="utrecht-heading-3 lw-klus__title">
          <Link to={`/klussen/${a.id}`}>{a.title}</Link>
        </h2>
        <p className="lw-session__badges">
          <ResponseBadge state={r.state} selection={r.selection} />
        </p>
        {r.selection && <p>{consentText(r.selection, t, dateTime)}</p>}
        {r.message && (
          <p>
            <strong>{t("mine.message")}</strong> {r.message}
          </p>
        )}
        <KlusFacts a={a} />
        <details className="lw-klus__motivation">
          <summary>{t("mine.motivation")}</summary>
          <p className="lw-reflection__text">{r.motivation}</p>
          <p className="lw-hint">{t("mine.sentAt", { at: dateTime(r.created_at) })}</p>
        </details>
        <ProblemAlert error={withdraw.error} />
        {mayWithdraw(r.state, r.selection, a.state) &&
          (asking ? (
            <AskFirst
              id={`withdraw-${r.id}`}
              question={t("withdraw.question", { title: a.title })}
              yes={t("withdraw.yes")}
              no={t("withdraw.no")}
              busy={withdraw.isPending}
              onYes={() => withdraw.mutate(r.id, { onSuccess: () => onWithdrawn(a.title) })}
              onNo={() => setAsking(false)}
            />
          ) : (
            <p className="lw-buttons">
              <Button appearance="secondary-action-button" onClick={() => setAsking(true)} ref={button}>
                {t("withdraw.button")}
                <span className="lw-visually-hidden"> ({a.title})</span>
              </Button>
            </p>
          ))}
      </article>
    </li>
  );
}
