/**
 * Binds the contract to Electron IPC: exactly one `ipcMain.handle` channel per contract method,
 * nothing else. Each call is checked twice before it reaches the service: the sender must be
 * the app's own top-level frame, and the arguments must be one request matching the method's
 * schema, after its size and nesting depth were measured without recursion (so a deep value
 * cannot overflow main's stack in the validator). Rejections are `{ error }` outcomes like any
 * other failure (the renderer shows them); they never reach the service. Each handler is one
 * error boundary: whatever throws becomes a one-line INTERNAL outcome, never a rejected invoke
 * (whose message would carry a stack) and never a crash of main.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { contract, ipcChannel, parseRequest } from '../app/contract';
import type { Method, Outcome } from '../app/contract';

/** The part of `ipcMain` used here (so tests can pass a recorder). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of the service used here. */
export interface CallTarget {
  call(method: string, params: unknown): Promise<Outcome<Method>>;
}

/** The parts of an invoke event the sender check reads. */
export interface SenderInfo {
  readonly sender?: { readonly id: number; readonly mainFrame?: unknown } | null;
  readonly senderFrame?: { readonly url: string } | null;
}

/** Decides whether an event comes from a trusted frame. */
export type SenderCheck = (event: SenderInfo) => boolean;

/**
 * The sender check the app uses: the event comes from one of the app's windows, from its main
 * frame (not an iframe), whose URL is the app's own.
 */
export function trustedSender(isAppUrl: (url: string) => boolean, isAppWebContents: (id: number) => boolean): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    const sender = event.sender;
    if (!frame || !sender) return false;
    if (!isAppWebContents(sender.id)) return false;
    if (sender.mainFrame !== undefined && sender.mainFrame !== frame) return false;
    return isAppUrl(frame.url);
  };
}

/** Checks one IPC call; returns an error outcome to send back, or null when it may proceed. */
export function checkCall(method: Method, event: SenderInfo, args: readonly unknown[], isTrusted: SenderCheck): Outcome<Method> | null {
  if (!isTrusted(event)) {
    return { error: { code: 'FORBIDDEN', message: `refused ${method}: the call did not come from the inspector window` } };
  }
  if (args.length > 1) {
    return { error: { code: 'BAD_REQUEST', message: `bad request to ${method}: expected one parameters object, got ${args.length} arguments` } };
  }
  const parsed = parseRequest(method, args[0]);
  if (!parsed.ok) return { error: { code: 'BAD_REQUEST', message: parsed.message } };
  return null;
}

/**
 * Registers one handler per contract method on `ipcMain`. `onResult` lets the host observe
 * results (the menu tracks the open file). Returns a function that removes every handler.
 */
export function bindIpc(
  ipcMain: IpcMainLike,
  service: CallTarget,
  isTrusted: SenderCheck,
  onResult?: (method: Method, outcome: Outcome<Method>) => void,
): () => void {
  const methods = Object.keys(contract) as Method[];
  for (const method of methods) {
    ipcMain.handle(ipcChannel(method), async (event, ...args): Promise<Outcome<Method>> => {
      let outcome: Outcome<Method>;
      try {
        const refused = checkCall(method, event, args, isTrusted);
        if (refused) return refused;
        outcome = await service.call(method, args[0] ?? {});
      } catch {
        return { error: { code: 'INTERNAL', message: `internal error while handling ${method}` } };
      }
      try {
        onResult?.(method, outcome);
      } catch {
        // An observer's failure (the menu) must not turn a done call into a failed one.
      }
      return outcome;
    });
  }
  return () => {
    for (const method of methods) ipcMain.removeHandler(ipcChannel(method));
  };
}
