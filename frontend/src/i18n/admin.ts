// Texts of the coordinator's console (/beheer) and the personal settings (/profiel).
// Dutch is the source; English has the same keys (the type makes a missing key a compile error).
const nl = {
  title: "Beheer",
  intro: "Richt Leerweek in voor de organisaties die samen een leerweek houden.",
  nav: "Beheer",
  sections: "Onderdelen van beheer",
  back: "Terug naar Beheer",
  section: {
    organisations: { title: "Organisaties", text: "Organisaties, afdelingen, medewerkers en hun rollen." },
  },
};

type Texts = typeof nl;
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const en: Shape<Texts> = {
  title: "Administration",
  intro: "Set up Leerweek for the organisations that hold a learning week together.",
  nav: "Administration",
  sections: "Parts of administration",
  back: "Back to Administration",
  section: {
    organisations: { title: "Organisations", text: "Organisations, units, employees and their roles." },
  },
};

export default { nl, en };
