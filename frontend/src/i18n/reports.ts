// Texts of the reports dashboard.
const nl = {
  title: "Rapportages",
};
const en: typeof nl = {
  title: "Reports",
};
export default { nl, en };
