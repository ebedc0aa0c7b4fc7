/**
 * The "contention demo" on the Welcome view: starts `thunderhead workload --deadlocks` on a
 * temporary copy of the demo store through `locks.startDemo`, opens that copy and shows the
 * Locks view attached to it (which offers Stop while it runs).
 */
import { useState } from 'react';
import { useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { IconLock } from '../../components/Icons';
import { Spinner } from '../../components/Progress';
import { useSession } from '../../shell/session';

export function ContentionDemo({ disabled }: { disabled: boolean }) {
  const transport = useTransport();
  const session = useSession();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const r = await transport.call('locks.startDemo', {});
      session.setDemo({ path: r.path, file: r.file });
      if (await session.open({ file: r.file, path: r.path })) session.navigate('locks', { kind: 'locks.attach' });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 'locks.startDemo');
      setError(`Could not start the contention demo: ${err.message}`);
    } finally {
      setStarting(false);
    }
  };

  return (
    <>
      <button type="button" className="btn" disabled={disabled || starting} onClick={() => void start()} title="Run concurrent transactions with deadlocks on the demo store and watch their locks" data-testid="contention-demo">
        <IconLock size={14} /> Contention demo
      </button>
      {starting && <Spinner label="Starting a workload on the demo store…" />}
      {error && (
        <div className="inline-error small" role="alert" data-testid="contention-demo-error">
          {error}
        </div>
      )}
    </>
  );
}
