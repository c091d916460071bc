// TEMPORARY: the Klussenbank's shapes written by hand from docs/KLUSSENBANK.md, until the
// server's assignment routes land and schema.d.ts is generated from them. Every page imports
// its types from here, so switching to the generated ones changes this file only.
export type Place = "on_site" | "remote" | "hybrid";
export type Reach = "own" | "partners" | "all";
export type AssignmentState = "draft" | "open" | "closed" | "filled" | "done";
export type ResponseState = "submitted" | "invited" | "selected" | "declined" | "withdrawn";
export type ConsentState = "pending" | "approved" | "declined" | "lapsed" | "withdrawn";
export type Standing = "has" | "wants" | "missing";

export interface FitPart {
  skill_id: string;
  name: string;
  name_en?: string | null;
  required: boolean;
  standing: Standing;
  points: number;
}

export interface Fit {
  percent: number;
  points: number;
  max: number;
  required_had: number;
  required_asked: number;
  growth: number;
  parts: FitPart[];
}

export interface AskedSkill {
  skill_id: string;
  name: string;
  name_en?: string | null;
  required: boolean;
}

export interface AssignmentInput {
  title: string;
  description?: string | null;
  organisation_id: string;
  org_unit_id?: string | null;
  contact_person_id?: string | null;
  hours_per_week: number;
  starts_on?: string | null;
  ends_on?: string | null;
  place: Place;
  location?: string | null;
  skills: { skill_id: string; required: boolean }[];
  places: number;
  reach: Reach;
  partners?: string[] | null;
  closes_on: string;
  state?: "draft" | "open" | null;
}

export type AssignmentPatch = Omit<Partial<AssignmentInput>, "state"> & { state?: AssignmentState | null };

export interface SelectionBrief {
  id: string;
  state: ConsentState;
  due_at: string;
  reason?: string | null;
  decided_at?: string | null;
}

export interface Assignment {
  id: string;
  title: string;
  description: string;
  organisation_id: string;
  organisation_name: string;
  org_unit_id?: string | null;
  unit_name?: string | null;
  contact?: { id: string; name: string; email: string } | null;
  hours_per_week: number;
  starts_on?: string | null;
  ends_on?: string | null;
  total_hours?: number | null;
  place: Place;
  location?: string | null;
  skills: AskedSkill[];
  places: number;
  taken: number;
  pending: number;
  reach: Reach;
  partners: { id: string; name: string }[];
  closes_on: string;
  state: AssignmentState;
  created_at: string;
  opened_at?: string | null;
  filled_at?: string | null;
  done_at?: string | null;
  may_manage: boolean;
  may_respond: boolean;
  fit?: Fit | null;
  my_response?: { id: string; state: ResponseState; consent_state?: ConsentState | null } | null;
  responses?: number | null;
}

export interface AssignmentSummary {
  id: string;
  title: string;
  organisation_id: string;
  organisation_name: string;
  unit_name?: string | null;
  hours_per_week: number;
  starts_on?: string | null;
  ends_on?: string | null;
  place: Place;
  closes_on: string;
  state: AssignmentState;
  skills: AskedSkill[];
  places: number;
  taken: number;
  fit?: Fit | null;
  responded: boolean;
}

export interface AssignmentPage {
  items: AssignmentSummary[];
  total: number;
  page: number;
  per_page: number;
}

export interface AssignmentResponse {
  id: string;
  assignment_id: string;
  person: { id: string; name: string; email: string; organisation_name: string; unit_name?: string | null };
  motivation: string;
  skills: AskedSkill[];
  fit: Fit;
  rank: number;
  state: ResponseState;
  message?: string | null;
  created_at: string;
  selection?: SelectionBrief | null;
}

export interface MyResponse {
  id: string;
  assignment: AssignmentSummary;
  motivation: string;
  state: ResponseState;
  message?: string | null;
  created_at: string;
  selection?: SelectionBrief | null;
}

export interface Suggestion {
  person_id: string;
  name: string;
  unit_name?: string | null;
  organisation_name: string;
  matching: AskedSkill[];
  percent: number;
}

export interface Selection {
  selection: SelectionBrief;
  created_at: string;
  person?: { id: string; name: string; unit_name?: string | null; organisation_name: string } | null;
  assignment_id: string;
  title: string;
  description: string;
  organisation_name: string;
  unit_name?: string | null;
  hours_per_week: number;
  starts_on?: string | null;
  ends_on?: string | null;
  place: Place;
  may_decide: boolean;
}

export interface KlusReflection {
  learned: string;
  will_do: string;
  shared_with_manager: boolean;
  updated_at?: string;
}

export interface SavedSearch {
  q?: string | null;
  skills: string[];
  place?: Place | null;
  organisation_id?: string | null;
  min_hours?: number | null;
  max_hours?: number | null;
}

export interface KlusProfile {
  findable: boolean;
  search_weekly: boolean;
  search?: SavedSearch | null;
}

/** A done klus in the portfolio (`assignments` of `GET /me/portfolio`). */
export interface PortfolioAssignment {
  selection_id: string;
  assignment_id: string;
  title: string;
  organisation_name: string;
  unit_name?: string | null;
  starts_on?: string | null;
  ends_on?: string | null;
  hours_per_week: number;
  total_hours?: number | null;
  skills: AskedSkill[];
  done_at?: string | null;
  reflection?: KlusReflection | null;
}

export interface AssignmentFigures {
  organisation_id: string;
  organisation: string;
  posted: number;
  with_participants: number;
  filled: number;
  fill_rate?: number | null;
  median_days_to_fill?: number | null;
  participants: number;
  from_elsewhere: number;
  share_across_borders?: number | null;
  hours_per_week: number;
  total_hours: number;
}

export interface AssignmentQuery {
  q?: string;
  skill?: string;
  place?: Place;
  organisation_id?: string;
  min_hours?: number;
  max_hours?: number;
  starts_from?: string;
  ends_by?: string;
  state?: string;
  managed?: boolean;
  page?: number;
  per_page?: number;
}
