import { describe, expect, it } from "vitest";
import { ZWebhookInput } from "@/lib/validation/webhooks";
import { isTeamEvent, TEAM_EVENT_CATALOGUE, TEAM_EVENTS, triggerLabel } from "./events";

const base = { name: "n", url: "https://example.com", method: "POST", headers: [], payload: "", secretIds: [] };

describe("team event catalogue", () => {
  it("lists the team events and h12's lifecycle events, each with a distinct label", () => {
    expect(TEAM_EVENTS).toEqual(
      expect.arrayContaining(["secret.created", "secret.rotated", "secret.deleted", "member.joined", "member.removed", "secret.expiring", "secret.expired", "secret.consumers_current"]),
    );
    const labels = TEAM_EVENTS.map((e) => TEAM_EVENT_CATALOGUE[e].label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(TEAM_EVENT_CATALOGUE["secret.rotated"].label).toBe("Secret rotated");
  });

  it("labels triggers, and does not treat inherited names as events", () => {
    expect(triggerLabel("test")).toBe("Send test");
    expect(triggerLabel("member.joined")).toBe("Member joined");
    expect(triggerLabel("retired.event")).toBe("retired.event");
    expect(isTeamEvent("toString")).toBe(false);
  });

  it("subscribes a webhook saved without a choice to every event; refuses unknown events", () => {
    expect(ZWebhookInput.parse(base).events).toEqual(TEAM_EVENTS);
    expect(ZWebhookInput.parse({ ...base, events: [] }).events).toEqual([]);
    expect(ZWebhookInput.parse({ ...base, events: ["secret.rotated", "secret.rotated"] }).events).toEqual(["secret.rotated"]);
    expect(ZWebhookInput.safeParse({ ...base, events: ["secret.read"] }).success).toBe(false);
  });
});
