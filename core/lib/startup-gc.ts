// Start-up (module compilation, migrations, key loading) leaves garbage that grows V8's young
// generation to its maximum; an idle server would keep that memory committed for ever. One full
// collection once the server is ready returns it (~8 MB of RSS here). V8 only exposes gc() behind
// --expose-gc, which can be switched on at run time for a fresh context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
