// Login flows (mautrix's step model), one in progress per Matrix user, driven from the management
// room: `user_input` asks each field in turn (the user's next messages are the answers),
// `display_and_wait` shows the code/QR payload and waits in the background, `complete` saves the
// login and connects it, `error` ends the flow. `cancel` ends it at any time.
import type { LoginField, LoginProcess, LoginStep } from './connector.ts';
import type { Kit } from './runtime.ts';

export interface LoginSession {
  readonly flowId: string;
  readonly roomId: string;
  /** Fields still to ask in the current user_input step, and the answers so far. */
  pending: LoginField[];
  answers: Record<string, string>;
  cancel(): void;
  answer(value: string): Promise<void>;
}

export async function startLogin(kit: Kit, userId: string, roomId: string, flowId: string): Promise<void> {
  const process: LoginProcess = kit.connector.startLogin(flowId, userId);
  let cancelled = false;
  const session: LoginSession = {
    flowId,
    roomId,
    pending: [],
    answers: {},
    cancel() {
      cancelled = true;
      process.cancel?.();
      kit.loginSessions.delete(userId);
    },
    async answer(value) {
      const field = session.pending.shift();
      if (!field) return;
      session.answers[field.id] = value;
      if (session.pending.length > 0) return ask(session.pending[0]!);
      if (!process.submit) return fail('the network has no answer step');
      await next(() => process.submit!(session.answers));
    },
  };
  kit.loginSessions.set(userId, session);

  const ask = (field: LoginField): Promise<void> => kit.notice(roomId, `${field.name}${field.description ? ` (${field.description})` : ''}:`);
  const fail = async (message: string): Promise<void> => {
    kit.loginSessions.delete(userId);
    await kit.notice(roomId, `Login failed: ${message}`);
  };
  async function next(run: () => Promise<LoginStep>): Promise<void> {
    let step: LoginStep;
    try {
      step = await run();
    } catch (err) {
      return fail((err as Error).message);
    }
    if (cancelled) return;
    await onStep(step);
  }
  async function onStep(step: LoginStep): Promise<void> {
    switch (step.type) {
      case 'user_input':
        session.pending = [...step.fields];
        session.answers = {};
        await kit.notice(roomId, step.instructions);
        if (session.pending[0]) await ask(session.pending[0]);
        return;
      case 'display_and_wait': {
        await kit.notice(roomId, `${step.instructions}\n${step.display.type === 'qr' ? 'QR data' : 'Code'}: ${step.display.data}`);
        if (!process.wait) return fail('the network has no wait step');
        // Waiting may take minutes (a phone scanning a QR): not on the event path.
        void next(() => process.wait!());
        return;
      }
      case 'error':
        return fail(step.message);
      case 'complete': {
        kit.loginSessions.delete(userId);
        const id = step.remoteId;
        const old = kit.store.login(id);
        if (old && old.matrixUserId !== userId) return fail(`${step.remoteName} is already logged in by another Matrix user`);
        const previous = kit.clients.get(id);
        if (previous) {
          kit.clients.delete(id);
          await previous.disconnect().catch(() => undefined);
        }
        const login = { id, matrixUserId: userId, remoteId: step.remoteId, remoteName: step.remoteName, metadata: step.metadata, state: 'connecting' as const };
        await kit.store.putLogin(login);
        await kit.notice(roomId, `Logged in as ${step.remoteName} (login id ${id}).`);
        await kit.connectLogin(login);
        return;
      }
    }
  }
  await next(() => process.start());
}

export async function logout(kit: Kit, loginId: string): Promise<void> {
  const client = kit.clients.get(loginId);
  kit.clients.delete(loginId);
  await client?.disconnect().catch(() => undefined);
  await kit.store.deleteLogin(loginId);
  for (const portal of kit.store.portals()) {
    if (portal.relayLoginId === loginId) {
      const { relayLoginId: _gone, ...rest } = portal;
      await kit.store.putPortal(rest);
    }
  }
}
