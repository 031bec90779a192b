/**
 * The Proposals page: the list with statuses, one proposal's AMB-style tally (YES / NO /
 * outstanding against the YES votes required, and the deadline), the votes by member and the
 * private details; a form to create a proposal and buttons to vote, as the console's member. The
 * contract checks every write; its error code is shown as it gave it.
 */
import { useState } from 'preact/hooks';
import type {
  Proposal,
  ProposalDetails,
  VoteRecord,
  VotingPolicy,
} from '@oracle-consortium/gateway';
import { post } from '../api';
import { ErrorBox, Section, useResource } from '../components';
import { useLive } from '../live';

interface ProposalAnswer {
  proposal: Proposal;
  votes: VoteRecord[];
  policy: VotingPolicy;
  details: ProposalDetails | null;
  detailsError: { code: string; message: string } | null;
}

function actionsText(p: Proposal): string {
  if ('Invitations' in p.actions) {
    return `invite ${p.actions.Invitations.map((i) => i.Principal).join(', ')}`;
  }
  return `remove ${p.actions.Removals.map((r) => r.MemberId).join(', ')}`;
}

/** The tally of one proposal. */
export function Tally({ proposal }: { proposal: Proposal }) {
  return (
    <div class="tally" data-testid="tally" data-status={proposal.status}>
      <span>
        YES <b data-testid="tally-yes">{proposal.yesVoteCount}</b> / {proposal.requiredYesVotes}{' '}
        required
      </span>
      <span>
        NO <b data-testid="tally-no">{proposal.noVoteCount}</b>
      </span>
      <span>
        outstanding <b data-testid="tally-outstanding">{proposal.outstandingVoteCount}</b>
      </span>
      <span>
        status <b data-testid="status">{proposal.status}</b>
      </span>
    </div>
  );
}

function ProposalView({ id, version }: { id: string; version: number }) {
  const loaded = useResource<ProposalAnswer>(`/api/proposals/${encodeURIComponent(id)}`, version);
  const [voteError, setVoteError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const data = loaded.data;
  if (data === undefined) return <ErrorBox error={loaded.error} />;
  const { proposal, votes } = data;
  const vote = async (value: 'YES' | 'NO'): Promise<void> => {
    setBusy(true);
    setVoteError(undefined);
    try {
      await post(`/api/proposals/${encodeURIComponent(id)}/votes`, { vote: value });
      loaded.reload();
    } catch (err) {
      setVoteError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const voted = new Map(votes.map((v) => [v.memberId, v]));
  return (
    <article data-testid="proposal" data-proposal={proposal.proposalId}>
      <header>
        <strong>{proposal.description}</strong> — {actionsText(proposal)}
        <div class="small">
          <code>{proposal.proposalId}</code> by {proposal.proposedBy}, created{' '}
          {new Date(proposal.creationDate).toLocaleString()}
        </div>
      </header>
      <Tally proposal={proposal} />
      <p>
        Deadline <strong>{new Date(proposal.expirationDate).toLocaleString()}</strong>; policy: YES{' '}
        {data.policy.ThresholdComparator === 'GREATER_THAN' ? 'over' : 'at least'}{' '}
        {data.policy.ThresholdPercentage}% of {proposal.eligibleVoters.length} eligible members
      </p>
      <table data-testid="votes">
        <thead>
          <tr>
            <th>member</th>
            <th>vote</th>
            <th>when</th>
          </tr>
        </thead>
        <tbody>
          {proposal.eligibleVoters.map((m) => {
            const v = voted.get(m);
            return (
              <tr key={m} data-voter={m}>
                <td>{m}</td>
                <td>{v?.vote ?? '—'}</td>
                <td>{v !== undefined ? new Date(v.date).toLocaleString() : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data.details !== null ? (
        <p>
          Private details: {data.details.rationale ?? ''}{' '}
          {data.details.contact !== undefined ? `(contact ${data.details.contact})` : ''}
        </p>
      ) : data.detailsError !== null ? (
        <p class="small">Private details not readable here: {data.detailsError.code}</p>
      ) : null}
      {proposal.status === 'IN_PROGRESS' ? (
        <footer>
          <button disabled={busy} data-testid="vote-yes" onClick={() => void vote('YES')}>
            Vote YES
          </button>{' '}
          <button
            disabled={busy}
            class="secondary"
            data-testid="vote-no"
            onClick={() => void vote('NO')}
          >
            Vote NO
          </button>
          <ErrorBox error={voteError} />
        </footer>
      ) : null}
    </article>
  );
}

function CreateForm({ onCreated }: { onCreated: (id: string) => void }) {
  const [kind, setKind] = useState<'invite' | 'remove'>('invite');
  const [error, setError] = useState<Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const formElement = e.target as HTMLFormElement;
    const form = new FormData(formElement);
    const text = (name: string): string => {
      const v = form.get(name);
      return typeof v === 'string' ? v : '';
    };
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        description: text('description'),
        clientRequestToken: crypto.randomUUID(),
        rationale: text('rationale'),
        contact: text('contact'),
        ...(kind === 'invite'
          ? {
              invite: {
                principal: text('principal'),
                rootCerts: text('rootCerts'),
                tlsRootCerts: text('tlsRootCerts'),
                nodeOUs: form.get('nodeOUs') !== null,
              },
            }
          : { remove: { memberId: text('memberId') } }),
      };
      const out = await post<{ proposal: Proposal }>('/api/proposals', body);
      // Done with this one: the next proposal starts from an empty, closed form.
      formElement.reset();
      formElement.closest('details')?.removeAttribute('open');
      onCreated(out.proposal.proposalId);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details>
      <summary data-testid="create-open">Create a proposal</summary>
      <form data-testid="create-form" onSubmit={(e) => void submit(e)}>
        <fieldset>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === 'invite'}
              onChange={() => {
                setKind('invite');
              }}
            />
            invite an organisation
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === 'remove'}
              onChange={() => {
                setKind('remove');
              }}
            />
            remove a member
          </label>
        </fieldset>
        <label>
          Description (up to 128 characters)
          <input name="description" required />
        </label>
        {kind === 'invite' ? (
          <>
            <label>
              MSP id of the organisation
              <input name="principal" required />
            </label>
            <label>
              Root CA certificates (PEM)
              <textarea name="rootCerts" rows={4} required />
            </label>
            <label>
              TLS root CA certificates (PEM)
              <textarea name="tlsRootCerts" rows={4} required />
            </label>
            <label>
              <input type="checkbox" name="nodeOUs" checked />
              Node OUs enabled
            </label>
          </>
        ) : (
          <label>
            MSP id of the member to remove
            <input name="memberId" required />
          </label>
        )}
        <label>
          Rationale (private to members)
          <input name="rationale" />
        </label>
        <label>
          Contact (private to members)
          <input name="contact" />
        </label>
        <button type="submit" disabled={busy} data-testid="create-submit">
          Create as this member
        </button>
        <ErrorBox error={error} />
      </form>
    </details>
  );
}

/** The Proposals page; `id` selects one. */
export function ProposalsPage({ id }: { id?: string | undefined }) {
  const version = useLive('membership');
  const list = useResource<{ proposals: Proposal[] }>('/api/proposals', version);
  return (
    <>
      <h2>Proposals</h2>
      <CreateForm
        onCreated={(created) => {
          location.hash = `#/proposals/${encodeURIComponent(created)}`;
        }}
      />
      {id !== undefined ? <ProposalView id={id} version={version} /> : null}
      <Section title="All proposals">
        <ErrorBox error={list.error} />
        <table data-testid="proposal-list">
          <thead>
            <tr>
              <th>description</th>
              <th>actions</th>
              <th>status</th>
              <th>YES / required</th>
              <th>deadline</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.proposals ?? []).map((p) => (
              <tr key={p.proposalId} data-proposal={p.proposalId} data-status={p.status}>
                <td>
                  <a href={`#/proposals/${encodeURIComponent(p.proposalId)}`}>{p.description}</a>
                </td>
                <td>{actionsText(p)}</td>
                <td>{p.status}</td>
                <td>
                  {p.yesVoteCount} / {p.requiredYesVotes}
                </td>
                <td>{new Date(p.expirationDate).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}
