/**
 * The local network's topology and port plan (test-network/lib/topology.sh, lib/common.sh), without starting a
 * network: the functions are sourced into bash against a scratch NETWORK_HOME. The largest
 * topology (8 members of 4 peers, with both chaincode-server variants of all 10 slots) must give
 * every port once, inside the documented span, and the topology must survive being written and
 * read back.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const COMMON = path.resolve(__dirname, '..', '..', '..', 'test-network', 'lib', 'common.sh');

/** Runs a bash script after sourcing common.sh; returns stdout, or throws with stderr. */
function bash(portBase: number, home: string, script: string): string {
  return execFileSync('bash', ['-c', `set -euo pipefail; source "$COMMON"; ${script}`], {
    env: { ...process.env, COMMON, PORT_BASE: String(portBase), NETWORK_HOME: home },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Builds the largest topology and prints every port a network of it can use. */
const LARGEST_AND_ITS_PORTS = `
  for i in 1 2 3 4 5 6 7 8; do add_member "Org$i"; for _ in 1 2 3 4; do add_peer "Org$i"; done; done
  kms_port; orderer_ca_port; orderer_ca_ops_port
  for n in 1 2 3; do orderer_port "$n"; orderer_admin_port "$n"; orderer_ops_port "$n"; done
  for org in "\${ORGS[@]}"; do
    ca_port "$org"; ca_ops_port "$org"
    for p in $(peer_numbers "$org"); do
      peer_port "$org" "$p"; peer_cc_port "$org" "$p"; peer_ops_port "$org" "$p"
      for s in $(seq 0 9); do ccserver_port "$s" "$org" "$p" 0; ccserver_port "$s" "$org" "$p" 1; done
    done
  done`;

describe('local network topology and port plan', () => {
  let home: string;

  beforeEach(() => {
    home = path.join(mkdtempSync(path.join(os.tmpdir(), 'topology-unit-')), 'net');
  });

  afterEach(() => {
    rmSync(path.dirname(home), { recursive: true, force: true });
  });

  for (const base of [20000, 29000, 31000]) {
    it(`gives every port of 8 members x 4 peers once, within PORT_BASE+1..+979 and below 32768 (PORT_BASE=${String(base)})`, () => {
      const ports = bash(base, home, LARGEST_AND_ITS_PORTS).trim().split('\n').map(Number);
      // kms + orderer CA (2) + 3 orderers (9) + 8 members x (CA 2 + 4 peers x (3 + 20 servers)).
      expect(ports).to.have.length(1 + 2 + 9 + 8 * (2 + 4 * 23));
      expect(new Set(ports).size).to.equal(ports.length);
      expect(Math.min(...ports)).to.equal(base + 1);
      expect(Math.max(...ports)).to.equal(base + 979);
      expect(Math.max(...ports)).to.be.below(32768);
    });
  }

  it('writes the members and their peers and reads them back the same', () => {
    const out = bash(
      22000,
      home,
      `mkdir -p "$NETWORK_HOME"
       add_member Org1; add_peer Org1; add_peer Org1
       add_member Org2; add_peer Org2
       write_topology
       load_topology
       echo "\${ORGS[*]}|$(peer_numbers Org1 | paste -sd,)|$(peer_numbers Org2 | paste -sd,)|$(member_slot Org2)|$(peer_names | paste -sd,)"`,
    );
    expect(out.trim()).to.equal('Org1 Org2|1,2|1|2|peer1-org1,peer2-org1,peer1-org2');
  });

  it('gives a member added later the lowest free slot and a peer added later the lowest free number', () => {
    const out = bash(
      22000,
      home,
      `add_member Org1; add_peer Org1; add_peer Org1; add_peer Org1
       MEMBER_PEERS[Org1]="1 3"
       add_peer Org1
       add_member Org2; add_member Org3
       unset 'MEMBER_SLOT[Org2]'; ORGS=(Org1 Org3)
       add_member Acme
       echo "$(peer_numbers Org1 | paste -sd,)|$(member_slot Acme)|$(ca_port Acme)"`,
    );
    expect(out.trim()).to.equal('1,2,3|2|22217');
  });

  it('refuses a ninth member and a fifth peer, naming the limit', () => {
    expect(() => bash(22000, home, 'for i in $(seq 1 9); do add_member "Org$i"; done')).to.throw(
      /at most 8 members/,
    );
    expect(() =>
      bash(22000, home, 'add_member Org1; for _ in 1 2 3 4 5; do add_peer Org1; done'),
    ).to.throw(/already has 4 peers/);
  });

  it('refuses a malformed topology file, naming the line', () => {
    expect(() =>
      bash(
        22000,
        home,
        `mkdir -p "$NETWORK_HOME"; echo 'Org1 9 1,2' >"$TOPOLOGY_FILE"; load_topology`,
      ),
    ).to.throw(/malformed line in .*topology: 'Org1 9 1,2'/);
  });
  it('keeps a prepared member apart from the members while it holds a port slot', () => {
    const out = bash(
      22000,
      home,
      `mkdir -p "$NETWORK_HOME"
       add_member Org1; add_peer Org1; add_member Org2; add_peer Org2
       add_prepared Org3; write_topology; write_prepared
       load_topology
       add_member Org4
       echo "\${ORGS[*]}|\${PREPARED[*]}|$(member_slot Org3)|$(member_slot Org4)|$(ca_names | paste -sd,)"`,
    );
    expect(out.trim()).to.equal(
      'Org1 Org2 Org4|Org3|3|4|ca-orderer,ca-org1,ca-org2,ca-org4,ca-org3',
    );
  });

  it('makes a prepared member a member in its own slot', () => {
    const out = bash(
      22000,
      home,
      `mkdir -p "$NETWORK_HOME"
       add_member Org1; add_peer Org1; add_prepared Org2; add_member Org3; add_peer Org3
       write_topology; write_prepared; load_topology
       add_member Org2; add_peer Org2; write_topology; write_prepared; load_topology
       echo "\${ORGS[*]}|\${PREPARED[*]:-none}|$(member_slot Org2)|$(peer_names | paste -sd,)|$([[ -f "$PREPARED_FILE" ]] && echo file || echo no-file)"`,
    );
    expect(out.trim()).to.equal('Org1 Org3 Org2|none|2|peer1-org1,peer1-org3,peer1-org2|no-file');
  });

  it('frees the slot of a dropped member and the number of a dropped peer', () => {
    const out = bash(
      22000,
      home,
      `add_member Org1; add_peer Org1; add_peer Org1; add_peer Org1
       add_member Org2; add_peer Org2
       drop_peer Org1 2; drop_member Org2
       add_member Acme; add_peer Org1
       echo "\${ORGS[*]}|$(member_slot Acme)|$(peer_numbers Org1 | paste -sd,)"`,
    );
    expect(out.trim()).to.equal('Org1 Acme|2|1,2,3');
  });

  it('refuses a malformed prepared-members file, naming the line', () => {
    expect(() =>
      bash(22000, home, `mkdir -p "$NETWORK_HOME"; echo 'Org3 x' >"$PREPARED_FILE"; load_topology`),
    ).to.throw(/malformed line in .*prepared-members: 'Org3 x'/);
  });
});
