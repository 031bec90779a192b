/**
 * The Members and Invitations pages: the member registry and voting policy, the channel changes
 * approved proposals call for and whether each is applied yet, and every invitation with its
 * status. Re-read on every membership event.
 */
import type { ChannelChange, Invitation, Member, VotingPolicy } from '@oracle-consortium/gateway';
import { ErrorBox, Section, useResource } from '../components';
import { useLive } from '../live';

/** The Members page. */
export function MembersPage() {
  const version = useLive('membership');
  const loaded = useResource<{
    members: Member[];
    policy: VotingPolicy;
    channelChanges: ChannelChange[];
  }>('/api/members', version);
  const data = loaded.data;
  return (
    <>
      <h2>Members</h2>
      <ErrorBox error={loaded.error} />
      {data !== undefined ? (
        <>
          <p>
            Voting policy: YES{' '}
            {data.policy.ThresholdComparator === 'GREATER_THAN' ? 'over' : 'at least'}{' '}
            {data.policy.ThresholdPercentage}% of members; proposals stay open{' '}
            {data.policy.ProposalDurationInHours} h
          </p>
          <table data-testid="members">
            <thead>
              <tr>
                <th>member</th>
                <th>joined</th>
                <th>by</th>
              </tr>
            </thead>
            <tbody>
              {data.members.map((m) => (
                <tr key={m.mspId} data-member={m.mspId}>
                  <td>{m.mspId}</td>
                  <td>{new Date(m.joinedDate).toLocaleString()}</td>
                  <td>{m.joinedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Section title="Channel changes approved proposals call for">
            {data.channelChanges.length === 0 ? (
              <p>None.</p>
            ) : (
              <table data-testid="channel-changes">
                <thead>
                  <tr>
                    <th>change</th>
                    <th>organisation</th>
                    <th>proposal</th>
                    <th>applied to the channel</th>
                  </tr>
                </thead>
                <tbody>
                  {data.channelChanges.map((c) => (
                    <tr key={`${c.proposalId}/${c.mspId}`}>
                      <td>{c.action}</td>
                      <td>{c.mspId}</td>
                      <td>
                        <a href={`#/proposals/${encodeURIComponent(c.proposalId)}`}>
                          <code>{c.proposalId.slice(0, 12)}…</code>
                        </a>
                      </td>
                      <td>{(c.status as string) === 'APPLIED' ? 'yes' : `no (${c.status})`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
        </>
      ) : null}
    </>
  );
}

/** The Invitations page. */
export function InvitationsPage() {
  const version = useLive('membership');
  const loaded = useResource<{ invitations: Invitation[] }>('/api/invitations', version);
  const list = loaded.data?.invitations ?? [];
  return (
    <>
      <h2>Invitations</h2>
      <ErrorBox error={loaded.error} />
      {loaded.data !== undefined && list.length === 0 ? <p>No invitations yet.</p> : null}
      {list.length > 0 ? (
        <table data-testid="invitations">
          <thead>
            <tr>
              <th>organisation</th>
              <th>status</th>
              <th>proposal</th>
              <th>expires</th>
              <th>MSP definition hash</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.invitationId} data-invitation={i.invitationId} data-status={i.status}>
                <td>{i.principal}</td>
                <td>{i.status}</td>
                <td>
                  <a href={`#/proposals/${encodeURIComponent(i.proposalId)}`}>
                    <code>{i.proposalId.slice(0, 12)}…</code>
                  </a>
                </td>
                <td>{new Date(i.expirationDate).toLocaleString()}</td>
                <td>
                  <code class="wrap small">{i.mspDefinitionHash}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
