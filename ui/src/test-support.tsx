// What the view tests share: the IPC module with every command a mock, and a view rendered inside the
// workspace it reads, cleaned up after each test.
import { cleanup, render } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, vi } from "vitest";
import { WorkspaceProvider } from "./workspace";

/** `../ipc` with every command replaced by a `vi.fn()`; for `vi.mock("../ipc", …)`. */
export async function stubbedIpc(importOriginal: () => Promise<unknown>) {
  const actual = (await importOriginal()) as typeof import("./ipc");
  const stub = { ...actual.ipc };
  for (const key of Object.keys(stub) as (keyof typeof stub)[]) stub[key] = vi.fn() as never;
  return { ...actual, ipc: stub };
}

/** Renders `view` in a fresh workspace. */
export function renderInWorkspace(view: ReactNode) {
  return render(<WorkspaceProvider>{view}</WorkspaceProvider>);
}

/** After each test of the file: unmount what it rendered and forget the mocks' answers. */
export function cleanUpAfterEach() {
  afterEach(() => {
    cleanup();
    vi.resetAllMocks();
  });
}
