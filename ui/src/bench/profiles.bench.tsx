// `npm run bench`: the Profiles view with 10,000 saved profiles: opening it (the list arrives and its
// visible rows render) and filtering it as a user types (target: a keystroke answered in <= 50 ms).
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { bench, describe, vi } from "vitest";
import type { Profile } from "../bindings";
import { ipc } from "../ipc";
import { WorkspaceProvider } from "../workspace";
import { ProfilesView, blankProfile } from "../views/ProfilesView";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../ipc")>();
  return { ...actual, ipc: { ...actual.ipc, profilesList: vi.fn() } };
});

// jsdom lays nothing out: the list gets its CSS size so the virtualised rows render.
Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 420 });
Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 320 });

const profiles: Profile[] = Array.from({ length: 10_000 }, (_, i) => {
  const blank = blankProfile();
  return {
    ...blank,
    id: `p-${String(i)}`,
    name: `customer ${String(i).padStart(5, "0")}`,
    tags: ["support", `region-${String(i % 7)}`],
    target: { ...blank.target, url: `wss://tenant-${String(i)}.example/ws` },
  };
});
vi.mocked(ipc.profilesList).mockResolvedValue({ profiles, problems: [], keyringProblem: null });

async function open() {
  render(
    <WorkspaceProvider>
      <ProfilesView visible onOpen={() => undefined} />
    </WorkspaceProvider>,
  );
  await screen.findByText("customer 00000");
}

describe("profiles list with 10,000 profiles", () => {
  bench("open the view: list loaded, visible rows rendered", async () => {
    await open();
    cleanup();
  });

  bench(
    "one keystroke in the search box (filter 10,000 and re-render)",
    async () => {
      const search = screen.getByPlaceholderText("Search name, URL, tag");
      fireEvent.change(search, { target: { value: "customer 0999" } });
      await screen.findByText("customer 09990");
      fireEvent.change(search, { target: { value: "" } });
    },
    {
      setup: async () => {
        cleanup();
        await open();
      },
    },
  );
});
