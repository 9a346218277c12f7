// A real IRC daemon per test run: ngircd or inspircd (both from Debian), on a free loopback port,
// with a generated config in a temp dir. Callers get {host, port, kind, stop()}.
//
// What the generated configs let tests exercise:
// - ngircd 26: RFC 2812 channels and ops (first joiner is op), nick-in-use (433), the IRCv3 caps
//   ngircd has (multi-prefix only). No server-time/message-tags/echo-message/SASL. Its flood
//   protection throttles reading instead of kicking, so no flood-kick test can run on it.
// - inspircd 3: caps server-time, message-tags (ctctags), msgid, echo-message, multi-prefix;
//   channel mode +f (m_messageflood) kicks a client that sends too fast — the flood-kick case.
//   SASL (m_sasl) only relays to a services server, which we do not run, so SASL is not offered.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type IrcdKind = 'ngircd' | 'inspircd';

export interface Ircd {
  host: string;
  port: number;
  kind: IrcdKind;
  tlsPort?: number;
  /** What this daemon offers, so a test can skip what it cannot exercise. */
  supports: { serverTime: boolean; messageTags: boolean; echoMessage: boolean; floodKick: boolean };
  stop(): Promise<void>;
}

export interface IrcdOptions {
  /** Listen on this port instead of a free one (restart tests). */
  port?: number;
  /** Server password (PASS) every client must give. */
  password?: string;
  /** Also listen with TLS (self-signed certificate) on `tlsPort`; ngircd only. */
  tls?: boolean;
}

export const IRCD_KINDS: readonly IrcdKind[] = ['ngircd', 'inspircd'];

const HOST = '127.0.0.1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function ngircdConfig(port: number, dir: string, o: IrcdOptions, tlsPort: number | undefined): string {
  const tls = tlsPort === undefined ? '' : `[SSL]
CertFile = ${join(dir, 'cert.pem')}
KeyFile = ${join(dir, 'key.pem')}
Ports = ${tlsPort}
`;
  return `[Global]
Name = irc.ngircd.test
Info = Switchyard test ngircd
Listen = ${HOST}
Ports = ${port}
MotdPhrase = switchyard test
PidFile = ${join(dir, 'ngircd.pid')}
${o.password ? `Password = ${o.password}` : ''}
[Limits]
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 30
PingTimeout = 120
PongTimeout = 20
[Options]
DNS = no
Ident = no
PAM = no
${tls}`;
}

function inspircdConfig(port: number, dir: string, o: IrcdOptions): string {
  const modules = [
    'cap', 'ircv3', 'ircv3_servertime', 'ircv3_ctctags', 'ircv3_msgid', 'ircv3_echomessage',
    'namesx', 'messageflood',
  ];
  return `<server name="irc.inspircd.test" description="Switchyard test inspircd" network="SwitchyardTest">
<admin name="test" nick="test" email="test@localhost">
<bind address="${HOST}" port="${port}" type="clients">
<connect name="main" allow="*" timeout="60" threshold="1000" commandrate="100000" fakelag="no"
         pingfreq="120" hardsendq="1048576" softsendq="65536" recvq="65536"
         localmax="1000" globalmax="1000" resolvehostnames="no" useident="no"${o.password ? ` password="${o.password}"` : ''}>
<dns server="127.0.0.1" timeout="1">
<pid file="${join(dir, 'inspircd.pid')}">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(dir, 'inspircd.log')}">
<options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15" splitwhois="no" exemptchanops="">
<security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hideulines="no" hidebans="no" maxtargets="20">
<performance quietbursts="yes" softlimit="1024" somaxconn="128" netbuffersize="10240">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="11" maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxgecos="128" maxaway="200">
<messageflood notice="no">
${modules.map((m) => `<module name="${m}">`).join('\n')}
`;
}

async function selfSignedCert(dir: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const p = spawn('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`openssl exited with ${code}`))));
  });
}

async function waitForAccept(port: number, child: ChildProcess, deadline: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ircd exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, HOST);
      sock.once('connect', () => { sock.destroy(); resolve(true); });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`ircd did not accept connections on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts one daemon (on `fixedPort`, or a free port, retrying if it lost the race for it). */
export async function startIrcd(kind: IrcdKind, opts: IrcdOptions = {}): Promise<Ircd> {
  const fixedPort = opts.port;
  if (opts.tls && kind !== 'ngircd') throw new Error('the test harness configures TLS for ngircd only');
  const dir = await mkdtemp(join(tmpdir(), `switchyard-${kind}-`));
  if (opts.tls) await selfSignedCert(dir);
  let lastError: unknown;
  for (let attempt = 0; attempt < (fixedPort ? 1 : 3); attempt++) {
    const port = fixedPort ?? (await freePort());
    const conf = join(dir, `${kind}.conf`);
    const tlsPort = opts.tls ? await freePort() : undefined;
    let child: ChildProcess;
    let output = '';
    if (kind === 'ngircd') {
      await writeFile(conf, ngircdConfig(port, dir, opts, tlsPort));
      child = spawn('/usr/sbin/ngircd', ['-n', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    } else {
      await writeFile(conf, inspircdConfig(port, dir, opts));
      child = spawn('/usr/sbin/inspircd', ['--nofork', '--nopid', '--runasroot', '--config', conf], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    }
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    try {
      await waitForAccept(port, child, Date.now() + 15_000);
      if (tlsPort !== undefined) await waitForAccept(tlsPort, child, Date.now() + 15_000);
    } catch (err) {
      child.kill('SIGKILL');
      lastError = new Error(`${(err as Error).message}\n${output.slice(-2000)}`);
      continue;
    }
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    const inspircd = kind === 'inspircd';
    return {
      host: HOST,
      port,
      kind,
      ...(tlsPort === undefined ? {} : { tlsPort }),
      supports: { serverTime: inspircd, messageTags: inspircd, echoMessage: inspircd, floodKick: inspircd },
      async stop() {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(`could not start ${kind}`);
}
