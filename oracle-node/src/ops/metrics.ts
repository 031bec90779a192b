/**
 * A small Prometheus registry: counters, gauges and histograms with labels, written in the text
 * exposition format (version 0.0.4). The node needs a handful of series; a client library would
 * bring more than it saves.
 */

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${keys.map((k) => `${k}="${esc(labels[k] ?? '')}"`).join(',')}}`;
}

interface Series {
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly values: Map<string, number>;
  readonly buckets?: readonly number[];
}

/** The node's metrics. */
export interface Metrics {
  /** Adds to a counter. */
  inc(name: string, labels?: Labels, by?: number): void;
  /** Sets a gauge. */
  set(name: string, labels: Labels, value: number): void;
  /** Observes a value in a histogram. */
  observe(name: string, labels: Labels, value: number): void;
  /** A counter's or gauge's current value (0 when never set). */
  value(name: string, labels?: Labels): number;
  /** The exposition text. */
  render(): string;
}

/** A metric to declare. */
export interface MetricSpec {
  /** Its name. */
  readonly name: string;
  /** Its help text. */
  readonly help: string;
  /** Its type. */
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** Histogram bucket bounds. */
  readonly buckets?: readonly number[];
}

/**
 * Makes a registry of declared metrics.
 *
 * @param specs - the metrics
 * @returns the registry
 * @throws Error when an undeclared metric is used (a typo would otherwise be a silent gap)
 */
export function newMetrics(specs: readonly MetricSpec[]): Metrics {
  const all = new Map<string, Series>();
  for (const s of specs) {
    all.set(s.name, {
      help: s.help,
      type: s.type,
      values: new Map(),
      ...(s.buckets ? { buckets: s.buckets } : {}),
    });
  }
  const get = (name: string): Series => {
    const s = all.get(name);
    if (s === undefined) throw new Error(`metric ${name} is not declared`);
    return s;
  };
  return {
    inc(name, labels = {}, by = 1) {
      const s = get(name);
      const k = labelText(labels);
      s.values.set(k, (s.values.get(k) ?? 0) + by);
    },
    set(name, labels, value) {
      get(name).values.set(labelText(labels), value);
    },
    observe(name, labels, value) {
      const s = get(name);
      for (const b of [...(s.buckets ?? []), Number.POSITIVE_INFINITY]) {
        const k = labelText({ ...labels, le: b === Number.POSITIVE_INFINITY ? '+Inf' : String(b) });
        if (value <= b) s.values.set(`bucket${k}`, (s.values.get(`bucket${k}`) ?? 0) + 1);
        else if (!s.values.has(`bucket${k}`)) s.values.set(`bucket${k}`, 0);
      }
      const k = labelText(labels);
      s.values.set(`sum${k}`, (s.values.get(`sum${k}`) ?? 0) + value);
      s.values.set(`count${k}`, (s.values.get(`count${k}`) ?? 0) + 1);
    },
    value(name, labels = {}) {
      return get(name).values.get(labelText(labels)) ?? 0;
    },
    render() {
      const lines: string[] = [];
      for (const [name, s] of all) {
        lines.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`);
        for (const [k, v] of s.values) {
          if (s.type !== 'histogram') lines.push(`${name}${k} ${v}`);
          else {
            const m = /^(bucket|sum|count)(.*)$/.exec(k);
            lines.push(`${name}_${m?.[1] ?? ''}${m?.[2] ?? ''} ${v}`);
          }
        }
      }
      return lines.join('\n') + '\n';
    },
  };
}

/** The node's metric names, declared once. */
export const NODE_METRICS: readonly MetricSpec[] = [
  {
    name: 'oracle_node_rounds_total',
    help: 'Rounds by feed, role and outcome (reported, idle, failed).',
    type: 'counter',
  },
  {
    name: 'oracle_node_transmissions_total',
    help: 'Report transmissions by feed and outcome (committed, stale, failed).',
    type: 'counter',
  },
  {
    name: 'oracle_node_leader_changes_total',
    help: 'Moves to the next leader after the current one made no progress.',
    type: 'counter',
  },
  {
    name: 'oracle_node_observations_total',
    help: 'Job runs by job and outcome (completed, errored).',
    type: 'counter',
  },
  {
    name: 'oracle_node_source_errors_total',
    help: 'Skipped source answers by job, bridge and code.',
    type: 'counter',
  },
  {
    name: 'oracle_node_source_latency_seconds',
    help: 'Time to a source answer, retries included, by bridge.',
    type: 'histogram',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  {
    name: 'oracle_node_round_seconds',
    help: 'Time from a leader observation request to the commit of its report, by feed.',
    type: 'histogram',
    buckets: [0.25, 0.5, 1, 2, 4, 8, 16, 32],
  },
  {
    name: 'oracle_node_lease_active',
    help: 'Whether this process holds its oracle lease (1) or is the standby (0); 1 on SQLite.',
    type: 'gauge',
  },
  {
    name: 'oracle_node_lease_epoch',
    help: 'The lease epoch (fencing counter) last seen in the database.',
    type: 'gauge',
  },
  {
    name: 'oracle_node_lease_changes_total',
    help: 'Changes of this process role, by the role it moved to (active, standby).',
    type: 'counter',
  },
  {
    name: 'oracle_node_lease_errors_total',
    help: 'Failed lease renewals or attempts (the database unreachable or too slow).',
    type: 'counter',
  },
  {
    name: 'oracle_node_latest_round',
    help: 'The latest round id on chain, by feed.',
    type: 'gauge',
  },
];
