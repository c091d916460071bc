// "Reflecties": per session taken part in, what I learned and what I will do with it, private
// unless shared with my manager. Each is anchored at `#reflectie-{enrolment_id}` (the feedback
// mail links there): the page scrolls to it and puts the focus on its heading.
import { Heading2, Paragraph } from "@utrecht/component-library-react";
import { useTranslation } from "react-i18next";
import { ReflectionEditor } from "../../components/ReflectionEditor";
import { Empty, Loading, ProblemAlert } from "../../components/States";
import { longDate } from "../../format";
import { useFocusAnchor } from "../../hooks/anchor";
import { usePortfolio, useRemoveReflection, useSaveReflection } from "../../hooks/portfolio";
import { anchoredEnrolment, mayReflect, reflectionAnchor, type PortfolioSession } from "../../portfolio";

export function MyReflections() {
  const { t } = useTranslation("portfolio");
  const portfolio = usePortfolio();
  const sessions = (portfolio.data?.sessions ?? []).filter(mayReflect);
  useFocusAnchor(!!portfolio.data, anchoredEnrolment, reflectionAnchor);
  return (
    <section aria-labelledby="reflections-h" className="lw-dev-section">
      <Heading2 id="reflections-h">{t("reflections.title")}</Heading2>
      <Paragraph>{t("reflections.intro")}</Paragraph>
      {portfolio.isPending ? (
        <Loading />
      ) : portfolio.error ? (
        <ProblemAlert error={portfolio.error} />
      ) : sessions.length === 0 ? (
        <Empty>{t("reflections.none")}</Empty>
      ) : (
        <ul className="lw-plain-list lw-reflections">
          {sessions.map((s) => (
            <li key={s.enrolment_id} className="lw-card lw-reflection">
              <SessionReflection session={s} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SessionReflection({ session: s }: { session: PortfolioSession }) {
  const { t } = useTranslation("portfolio");
  const save = useSaveReflection(s.enrolment_id);
  const remove = useRemoveReflection(s.enrolment_id);
  return (
    <ReflectionEditor
      id={s.enrolment_id}
      anchor={reflectionAnchor(s.enrolment_id)}
      title={t("reflections.session", { workshop: s.workshop_title, date: longDate(s.starts_at) })}
      name={s.workshop_title}
      saved={s.reflection ?? null}
      save={save}
      remove={remove}
    />
  );
}
