// Texts of the organiser's screens (events, workshops, sessions, participants, check-in).
const nl = {
  title: "Organiseren",
};
const en: typeof nl = {
  title: "Organise",
};
export default { nl, en };
