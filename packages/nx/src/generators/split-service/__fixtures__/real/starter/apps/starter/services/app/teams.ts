/**
 * Copyright (c) 2025 Starter Inc. All rights reserved.
 * Use of this source code is governed by the MIT license in LICENSE.
 */
import { api, APIError, ErrCode } from "@topo/runtime";
import { current } from "./billing";
import { teams } from "./db";
import { type Plan, SEATS, type Team } from "./model";
import { getUser } from "./users";

/** A team as the API shows it: with the plan it is on. */
export interface TeamView extends Team {
  plan: Plan;
}

function findTeam(id: string): Team {
  const team = teams.find(id);
  if (!team) throw new APIError(ErrCode.NotFound, `no team ${id}`);
  return team;
}

/** The team with its plan: a canceled subscription is the free plan again. */
async function view(team: Team): Promise<TeamView> {
  const { plan, status } = await current({ teamId: team.id });
  return { ...team, plan: status === "canceled" ? "free" : plan };
}

/** Creates a team owned by an existing user, on the free plan. */
export const createTeam = api(
  { expose: true, method: "POST", path: "/teams" },
  async ({ name, ownerId }: { name: string; ownerId: string }): Promise<TeamView> => {
    await getUser({ id: ownerId });
    return view(teams.insert({ name: name.trim(), ownerId, memberIds: [ownerId] }));
  }
);

/** Gets one team, with its plan. */
export const getTeam = api(
  { expose: true, method: "GET", path: "/teams/:id" },
  async ({ id }: { id: string }): Promise<TeamView> => view(findTeam(id))
);

/** Adds a user to a team, within the seats of the team's plan. */
export const addMember = api(
  { expose: true, method: "POST", path: "/teams/:id/members" },
  async ({ id, userId }: { id: string; userId: string }): Promise<TeamView> => {
    const team = await view(findTeam(id));
    await getUser({ id: userId });
    if (team.memberIds.includes(userId)) {
      throw new APIError(ErrCode.AlreadyExists, `${userId} is in ${team.name} already`);
    }
    if (team.memberIds.length >= SEATS[team.plan]) {
      throw new APIError(
        ErrCode.FailedPrecondition,
        `the ${team.plan} plan has ${SEATS[team.plan]} seats: upgrade to add members`
      );
    }
    return view(teams.update(id, { memberIds: [...team.memberIds, userId] }));
  }
);

/** Every team, oldest first. */
export const listTeams = api(
  { expose: true, method: "GET", path: "/teams" },
  async (): Promise<{ teams: Team[] }> => ({ teams: teams.all() })
);
