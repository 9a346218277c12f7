// The bridge's own durable state: portals, ghosts, logins, management rooms, message id mappings
// and the ids of Matrix events already handled.
//
// Contract: one JSON file (`<data_dir>/bridge-state.json`), the whole state in memory. Every
// mutation resolves only after the new state is on disk: written to a temp file, fsynced, then
// renamed over the old one (atomic on POSIX), so a crash leaves either the old or the new state,
// never a torn file. Writes are serialised in call order; several mutations queued while one write
// runs are flushed by one following write. Why a file and not pg: a bridge must run standalone
// (one container, no database), its state is small (rooms, users, logins), and reads are all
// in-memory lookups on the hot path. `handled` keeps the last HANDLED_CAP Matrix event ids, enough
// to drop whatever the hub re-sends after a restart.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Json, LoginState } from './connector.ts';

export interface PortalRecord {
  /** `chatId` for shared chats, `chatId` + receiver login for DMs. */
  readonly key: string;
  readonly chatId: string;
  /** The login whose view this portal is (DMs), or null for shared chats. */
  readonly receiver: string | null;
  roomId: string;
  name?: string;
  topic?: string;
  avatarUrl?: string;
  isDirect: boolean;
  /** Login that relays for Matrix users without one (set-relay). */
  relayLoginId?: string;
}

export interface GhostRecord {
  readonly userId: string;
  readonly remoteId: string;
  displayName?: string;
  avatarUrl?: string;
}

export interface LoginRecord {
  readonly id: string;
  readonly matrixUserId: string;
  readonly remoteId: string;
  readonly remoteName: string;
  metadata: Json;
  state: LoginState;
  stateMessage?: string;
}

interface State {
  portals: Record<string, PortalRecord>;
  ghosts: Record<string, GhostRecord>;
  logins: Record<string, LoginRecord>;
  managementRooms: Record<string, string>;
  /** `chatId\u0000remoteMessageId` → Matrix event id, and the reverse. */
  remoteToMatrix: Record<string, string>;
  matrixToRemote: Record<string, { chatId: string; remoteId: string }>;
  handled: string[];
}

const HANDLED_CAP = 5000;
const empty = (): State => ({ portals: {}, ghosts: {}, logins: {}, managementRooms: {}, remoteToMatrix: {}, matrixToRemote: {}, handled: [] });

export class BridgeStore {
  private readonly file: string;
  private state: State = empty();
  private handledSet = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(file: string) {
    this.file = file;
  }

  static async open(dir: string): Promise<BridgeStore> {
    await mkdir(dir, { recursive: true });
    const store = new BridgeStore(join(dir, 'bridge-state.json'));
    try {
      store.state = { ...empty(), ...(JSON.parse(await readFile(store.file, 'utf8')) as Partial<State>) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`bridge store ${store.file}: ${(err as Error).message}`, { cause: err });
    }
    store.handledSet = new Set(store.state.handled);
    return store;
  }

  private async flush(): Promise<void> {
    this.dirty = true;
    const run = async (): Promise<void> => {
      if (!this.dirty) return;
      this.dirty = false;
      const tmp = `${this.file}.tmp`;
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(JSON.stringify(this.state));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.file);
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }

  // Portals
  portal(key: string): PortalRecord | undefined {
    return this.state.portals[key];
  }
  portalByRoom(roomId: string): PortalRecord | undefined {
    return Object.values(this.state.portals).find((p) => p.roomId === roomId);
  }
  portals(): PortalRecord[] {
    return Object.values(this.state.portals);
  }
  async putPortal(p: PortalRecord): Promise<void> {
    this.state.portals[p.key] = p;
    await this.flush();
  }
  async deletePortal(key: string): Promise<void> {
    delete this.state.portals[key];
    await this.flush();
  }

  // Ghosts
  ghost(userId: string): GhostRecord | undefined {
    return this.state.ghosts[userId];
  }
  async putGhost(g: GhostRecord): Promise<void> {
    this.state.ghosts[g.userId] = g;
    await this.flush();
  }

  // Logins
  login(id: string): LoginRecord | undefined {
    return this.state.logins[id];
  }
  logins(matrixUserId?: string): LoginRecord[] {
    return Object.values(this.state.logins).filter((l) => matrixUserId === undefined || l.matrixUserId === matrixUserId);
  }
  async putLogin(l: LoginRecord): Promise<void> {
    this.state.logins[l.id] = l;
    await this.flush();
  }
  async deleteLogin(id: string): Promise<void> {
    delete this.state.logins[id];
    await this.flush();
  }

  // Management rooms (one DM with the bot per Matrix user)
  managementRoom(userId: string): string | undefined {
    return this.state.managementRooms[userId];
  }
  isManagementRoom(roomId: string): boolean {
    return Object.values(this.state.managementRooms).includes(roomId);
  }
  async setManagementRoom(userId: string, roomId: string): Promise<void> {
    this.state.managementRooms[userId] = roomId;
    await this.flush();
  }

  // Message ids
  matrixEventFor(chatId: string, remoteId: string): string | undefined {
    return this.state.remoteToMatrix[`${chatId}\u0000${remoteId}`];
  }
  remoteFor(eventId: string): { chatId: string; remoteId: string } | undefined {
    return this.state.matrixToRemote[eventId];
  }
  async mapMessage(chatId: string, remoteId: string, eventId: string): Promise<void> {
    this.state.remoteToMatrix[`${chatId}\u0000${remoteId}`] = eventId;
    this.state.matrixToRemote[eventId] = { chatId, remoteId };
    await this.flush();
  }

  // Matrix events already handled (dedup of re-sent transactions)
  wasHandled(eventId: string): boolean {
    return this.handledSet.has(eventId);
  }
  async markHandled(eventId: string): Promise<void> {
    this.handledSet.add(eventId);
    this.state.handled.push(eventId);
    if (this.state.handled.length > HANDLED_CAP) {
      for (const old of this.state.handled.splice(0, this.state.handled.length - HANDLED_CAP)) this.handledSet.delete(old);
    }
    await this.flush();
  }

  /** Waits for the last write. */
  async close(): Promise<void> {
    await this.writing;
  }
}
