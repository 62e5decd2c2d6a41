// The catalogue of team events a webhook can subscribe to: one pure list (imports nothing of ours), read by
// the validation schema, the webhook dialog's "Events" checkboxes, the tables' labels and the code that
// emits events (lib/dal/team-events.ts takes a TTeamEvent, so an event missing here cannot be emitted).
// Event data carries names and versions, never values. Add an event here first, then emit it.

export type TTeamEventInfo = {
  /** The label of its checkbox in the webhook dialog and of the trigger in the delivery log. */
  label: string;
  /** One line for receivers: when it is sent. */
  description: string;
  group: "Secrets" | "Members" | "Lifecycle";
};

export const TEAM_EVENT_CATALOGUE = {
  "secret.created": { label: "Secret created", description: "A secret was created (or imported).", group: "Secrets" },
  "secret.rotated": { label: "Secret rotated", description: "A secret got a new value (a new version).", group: "Secrets" },
  "secret.deleted": { label: "Secret deleted", description: "A secret was deleted.", group: "Secrets" },
  "member.joined": { label: "Member joined", description: "Someone accepted an invitation to the team.", group: "Members" },
  "member.removed": { label: "Member removed", description: "A member was removed or left the team.", group: "Members" },
  "secret.expiring": {
    label: "Secret expiring",
    description: "Reminder: a secret expires in 14 or 3 days, or its rotation is due in 14 or 3 days or now.",
    group: "Lifecycle",
  },
  "secret.expired": { label: "Secret expired", description: "Reminder: a secret reached its expiry date.", group: "Lifecycle" },
  "secret.consumers_current": {
    label: "Secret consumers current",
    description: "Every consumer of a rotated secret has received its newest version.",
    group: "Lifecycle",
  },
} as const satisfies Record<string, TTeamEventInfo>;

export type TTeamEvent = keyof typeof TEAM_EVENT_CATALOGUE;

/** Every event, in the order the dialog lists them. */
export const TEAM_EVENTS = Object.keys(TEAM_EVENT_CATALOGUE) as [TTeamEvent, ...TTeamEvent[]];

export function isTeamEvent(name: string): name is TTeamEvent {
  return Object.hasOwn(TEAM_EVENT_CATALOGUE, name);
}

/** The label of a delivery's trigger: "Send test", an event's label, or the raw name of a retired event. */
export function triggerLabel(trigger: string): string {
  if (trigger === "test") return "Send test";
  return isTeamEvent(trigger) ? TEAM_EVENT_CATALOGUE[trigger].label : trigger;
}
