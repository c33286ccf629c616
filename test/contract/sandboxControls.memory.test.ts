// The SandboxControls contract in memory: one process, so the "second instance" is the same object.
import { MemorySandboxControls } from '../../src/adapters/memory/memorySandboxControls.ts';
import { sandboxControlsContract } from './sandboxControlsContract.ts';

sandboxControlsContract('memory', async () => {
  const controls = new MemorySandboxControls();
  return { controls, peer: controls, elsewhere: new MemorySandboxControls(), async cleanup() {} };
});
