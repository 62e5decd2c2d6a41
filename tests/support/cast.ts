// The people (and team) an integration file tests with, made once in a beforeAll of that file. Each fixture
// returns its objects at once, empty, and fills them in place when its hook runs: a file destructures them at
// the top, where it used to declare `let owner: TTestUser; …`, and reads them in its tests and later hooks.
import { beforeAll } from "vitest";
import { makeRoleTeam, makeTeam, makeUser, makeUsers, type TTestTeam, type TTestUser } from "./fixtures";

const emptyUser = () => ({}) as TTestUser;
const emptyTeam = () => ({}) as TTestTeam;

/** makeRoleTeam(prefix, moreEditors) in a beforeAll: an Owner, an Admin and an Editor of one team, and `more` Editors by label. */
export function roleTeamCast<const L extends string = never>(prefix: string, moreEditors: readonly L[] = []) {
  const more = Object.fromEntries(moreEditors.map((label) => [label, emptyUser()])) as Record<L, TTestUser>;
  const cast = { owner: emptyUser(), admin: emptyUser(), editor: emptyUser(), more, team: emptyTeam() };
  beforeAll(async () => {
    const made = await makeRoleTeam(prefix, [...moreEditors]);
    Object.assign(cast.owner, made.owner);
    Object.assign(cast.admin, made.admin);
    Object.assign(cast.editor, made.editor);
    moreEditors.forEach((label, i) => Object.assign(more[label], made.more[i]));
    Object.assign(cast.team, made.team);
  });
  return cast;
}

/** `<prefix>-outsider` in a beforeAll: a user in none of the file's teams, who owns a team of their own (`otherTeam`). */
export function outsiderCast(prefix: string) {
  const cast = { outsider: emptyUser(), otherTeam: emptyTeam() };
  beforeAll(async () => {
    Object.assign(cast.outsider, await makeUser(`${prefix}-outsider`));
    Object.assign(cast.otherTeam, await makeTeam(cast.outsider));
  });
  return cast;
}

/** Users `<prefix>-<label>`, one per label, made in parallel in a beforeAll (none of them in a team yet). */
export function usersCast<const L extends string>(prefix: string, labels: readonly L[]): Record<L, TTestUser> {
  const cast = Object.fromEntries(labels.map((label) => [label, emptyUser()])) as Record<L, TTestUser>;
  beforeAll(async () => {
    const made = await makeUsers(prefix, labels);
    labels.forEach((label, i) => Object.assign(cast[label], made[i]));
  });
  return cast;
}
