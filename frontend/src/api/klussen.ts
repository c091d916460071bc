// The Klussenbank's shapes, from the types generated from the server's OpenAPI document
// (schema.d.ts), under the names its pages use. The server sends its vocabularies (states,
// place, reach, standing) as strings; the words it uses are listed below, and the pages show an
// unknown one as it is rather than fail.
import type { Schemas } from "./client";
import type { paths } from "./schema";

export type Assignment = Schemas["AssignmentDto"];
export type AssignmentSummary = Schemas["AssignmentSummaryDto"];
export type AssignmentPage = Schemas["AssignmentPage"];
export type AssignmentInput = Schemas["NewAssignmentDto"];
export type AssignmentPatch = Schemas["AssignmentPatchDto"];
export type AssignmentQuery = NonNullable<paths["/api/v1/assignments"]["get"]["parameters"]["query"]>;
export type Fit = Schemas["FitDto"];
export type FitPart = Schemas["FitPartDto"];
export type AskedSkill = Schemas["NeedDto"];
export type AssignmentResponse = Schemas["ResponseDto"];
export type MyResponse = Schemas["MyResponseDto"];
export type Suggestion = Schemas["KlusSuggestionDto"];
/** A selection with its consent (the brief's fields, flattened) and the klus and candidate. */
export type Selection = Schemas["SelectionDto"];
export type SelectionBrief = Schemas["SelectionBriefDto"];
export type KlusProfile = Schemas["KlusProfileDto"];
export type SavedSearch = Schemas["SavedSearchDto"];
export type KlusReflectionInput = Schemas["KlusReflectionInput"];
export type PortfolioAssignment = Schemas["PortfolioKlusDto"];
export type AssignmentFigures = Schemas["AssignmentFiguresDto"];

/** The server's words (see docs/KLUSSENBANK.md). */
export type Place = "on_site" | "remote" | "hybrid";
export type Reach = "own" | "partners" | "all";
export type AssignmentState = "draft" | "open" | "closed" | "filled" | "done";
export type ResponseState = "submitted" | "invited" | "selected" | "declined" | "withdrawn";
export type ConsentState = "pending" | "approved" | "declined" | "lapsed" | "withdrawn";
export type Standing = "has" | "wants" | "missing";
