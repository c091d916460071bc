import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import "../i18n";

// Vitest runs without globals, so Testing Library cannot unmount by itself between tests.
afterEach(() => cleanup());
