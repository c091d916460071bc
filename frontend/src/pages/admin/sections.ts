// The parts of the console, in the order the coordinator needs them when setting up a week.
// Each part adds itself here (its route in ./routes.tsx); the console's start page and its
// navigation list exactly these.
export type Section = { path: string; key: string };

export const sections: Section[] = [
  { path: "/beheer/organisaties", key: "organisations" },
  { path: "/beheer/mail", key: "mail" },
  { path: "/beheer/audit", key: "audit" },
  { path: "/beheer/privacy", key: "privacy" },
  { path: "/beheer/import", key: "import" },
  { path: "/beheer/vaardigheden", key: "skills" },
];
