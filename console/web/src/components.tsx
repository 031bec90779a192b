/**
 * Small pieces every page uses: loading a resource again when live events say so, and showing an
 * API refusal with its code.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, get } from './api';

/** A resource's state. */
export interface Loaded<T> {
  /** The data, once read. */
  readonly data?: T;
  /** The last refusal. */
  readonly error?: ApiFailure | Error;
  /** Read it again now. */
  reload(): void;
}

/**
 * Reads a path, again whenever `version` changes.
 *
 * @param path - API path, or null to read nothing
 * @param version - a live counter (see useLive)
 * @returns the resource
 */
export function useResource<T>(path: string | null, version = 0): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const [bump, setBump] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    get<T>(path).then(
      (data) => {
        if (live) setState({ data });
      },
      (error: unknown) => {
        if (live) setState((s) => ({ ...s, error: error as Error }));
      },
    );
    return () => {
      live = false;
    };
  }, [path, version, bump]);
  return {
    ...state,
    reload: () => {
      setBump((b) => b + 1);
    },
  };
}

/** Shows a refusal with its code, the way the contract or the console gave it. */
export function ErrorBox({ error }: { error?: Error | undefined }) {
  if (error === undefined) return null;
  const code = error instanceof ApiFailure ? error.code : 'ERROR';
  const status = error instanceof ApiFailure ? ` (${error.source}, HTTP ${error.status})` : '';
  return (
    <p class="error" role="alert" data-testid="error" data-code={code}>
      <strong>{code}</strong>
      {status}: {error.message}
    </p>
  );
}

/** A titled section. */
export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h3>{title}</h3>
      {children}
    </section>
  );
}
