// The participation bar chart (recharts, in the reports' lazy chunk only). For sighted readers a
// quick comparison; hidden from assistive technology, which gets the table with the same numbers.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTranslation } from "react-i18next";
import { percent, type ChartDatum } from "./model";

const ENROLLED = "#00466e";
const ATTENDED = "#2e7d32";

export default function ParticipationChart({ data }: { data: ChartDatum[] }) {
  const { t, i18n } = useTranslation("reports");
  const pct = (v: unknown) => percent(Number(v) / 100, i18n.language);
  const height = Math.max(200, data.length * 52 + 90);
  return (
    <div className="lw-chart" aria-hidden="true" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid horizontal={false} stroke="#d0d0d0" />
          <XAxis type="number" domain={[0, 100]} tickFormatter={pct} stroke="#4a4a4a" />
          <YAxis type="category" dataKey="name" width={150} stroke="#4a4a4a" interval={0} />
          <Tooltip formatter={(v) => pct(v)} />
          <Legend itemSorter={null} formatter={(value) => <span className="lw-chart__legend">{value}</span>} />
          <Bar dataKey="enrolled" name={t("participation.seriesEnrolled")} fill={ENROLLED} maxBarSize={28} isAnimationActive={false} />
          <Bar dataKey="attended" name={t("participation.seriesAttended")} fill={ATTENDED} maxBarSize={28} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
