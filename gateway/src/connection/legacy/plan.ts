/**
 * Picking endorsers from an endorsement plan and collecting their answers. Layouts that use the
 * client's own organisation come first, then smaller ones; inside a group the coordinating peer
 * comes first, then the own organisation's peers, then the highest ledgers (a peer behind the
 * others would endorse against an old world state). A peer that cannot be reached is replaced by
 * another of its group; when a group runs out the next layout is tried, reusing every answer
 * already in hand. This is what fabric-network's PREFER_MSPID defaults did, without shuffling.
 */
import { LegacyCallError, type EndorserAnswer } from './messages';
import type { DiscoveredPeer, EndorsementPlan, Layout } from './discovery';

/** One endorser's outcome: its answer, or a failure that says nothing about the proposal. */
export type AskResult =
  | { readonly kind: 'answer'; readonly answer: EndorserAnswer }
  | { readonly kind: 'fault'; readonly message: string };

/** Preferences of one endorsement. */
export interface PlanPreferences {
  /** The client's organisation. */
  readonly ownMspId: string;
  /** The coordinating peer's endpoint, asked first within its group. */
  readonly first?: string;
}

function layoutRank(plan: EndorsementPlan, layout: Layout, ownMspId: string): [number, number] {
  let own = 1;
  let total = 0;
  for (const [group, quantity] of layout) {
    total += quantity;
    if ((plan.groups.get(group) ?? []).some((p) => p.mspId === ownMspId)) own = 0;
  }
  return [own, total];
}

/**
 * The plan's layouts in the order they are tried.
 *
 * @param plan - the plan
 * @param ownMspId - the client's organisation
 * @returns layouts with the own organisation first, then by number of endorsers
 */
export function orderLayouts(plan: EndorsementPlan, ownMspId: string): Layout[] {
  return plan.layouts
    .map((layout, i) => ({ layout, i, rank: layoutRank(plan, layout, ownMspId) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.i - b.i)
    .map((x) => x.layout);
}

function orderPeers(peers: readonly DiscoveredPeer[], prefs: PlanPreferences): DiscoveredPeer[] {
  const rank = (p: DiscoveredPeer) =>
    p.endpoint === prefs.first ? 0 : p.mspId === prefs.ownMspId ? 1 : 2;
  return [...peers].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.ledgerHeight === b.ledgerHeight ? 0 : a.ledgerHeight > b.ledgerHeight ? -1 : 1),
  );
}

/**
 * Endorses a proposal on peers that satisfy the plan.
 *
 * @param plan - groups and layouts from discovery
 * @param prefs - own organisation and coordinating peer
 * @param ask - sends the proposal to one peer
 * @param known - answers already collected (the coordinator's, for private data), by endpoint
 * @returns the answers of one satisfied layout, each endorser once
 * @throws LegacyCallError UNAVAILABLE (14) when no layout can be satisfied because the
 *   coordinating peer or every peer asked was unreachable, ABORTED (10) otherwise; `details` holds
 *   every peer's outcome
 */
export async function endorseByPlan(
  plan: EndorsementPlan,
  prefs: PlanPreferences,
  ask: (peer: DiscoveredPeer) => Promise<AskResult>,
  known: ReadonlyMap<string, AskResult> = new Map(),
): Promise<EndorserAnswer[]> {
  const results = new Map<string, AskResult>(known);
  for (const layout of orderLayouts(plan, prefs.ownMspId)) {
    for (;;) {
      const chosen: DiscoveredPeer[] = [];
      let possible = true;
      for (const [group, quantity] of layout) {
        const usable = orderPeers(plan.groups.get(group) ?? [], prefs).filter(
          (p) =>
            results.get(p.endpoint)?.kind !== 'fault' &&
            !chosen.some((c) => c.endpoint === p.endpoint),
        );
        // Peers already answered cost nothing more: take them before asking new ones.
        const picked = [
          ...usable.filter((p) => results.has(p.endpoint)),
          ...usable.filter((p) => !results.has(p.endpoint)),
        ].slice(0, quantity);
        if (picked.length < quantity) {
          possible = false;
          break;
        }
        chosen.push(...picked);
      }
      if (!possible) break;
      const pending = chosen.filter((p) => !results.has(p.endpoint));
      const asked = await Promise.all(pending.map((p) => ask(p)));
      pending.forEach((p, i) => {
        const r = asked[i];
        if (r !== undefined) results.set(p.endpoint, r);
      });
      const answers = chosen.flatMap((p) => {
        const r = results.get(p.endpoint);
        return r?.kind === 'answer' ? [r.answer] : [];
      });
      if (answers.length === chosen.length) return answers;
    }
  }
  const details = [...results.entries()].map(([address, r]) => ({
    address,
    mspId: r.kind === 'answer' ? r.answer.mspId : '',
    message:
      r.kind === 'answer'
        ? (r.answer.response.getResponse()?.getMessage() ?? 'answered')
        : r.message,
  }));
  // When the coordinating peer itself, or every peer asked, could not be reached, the call is
  // failed as unavailable so the connection moves on to its next peer, which plans afresh; a
  // refusal somewhere would be repeated by any coordinator, so it ends the call.
  const outcomes = [...results.values()];
  const unreachable =
    (prefs.first !== undefined && results.get(prefs.first)?.kind === 'fault') ||
    (outcomes.length > 0 && outcomes.every((r) => r.kind === 'fault'));
  throw new LegacyCallError(
    unreachable ? 14 : 10,
    `no set of reachable peers satisfies the endorsement policy${
      details.length > 0 ? `: ${details.map((d) => `${d.address}: ${d.message}`).join('; ')}` : ''
    }`,
    details,
  );
}
