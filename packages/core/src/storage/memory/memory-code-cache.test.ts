import { describeCodeCache, manualClock } from '../../testing/index.js';
import { memoryCodeCache } from './memory-code-cache.js';

describeCodeCache('memoryCodeCache with a manual clock', async () => {
  const clock = manualClock();
  return { cache: memoryCodeCache({ clock }), clock };
});

describeCodeCache('memoryCodeCache with the system clock', async () => ({ cache: memoryCodeCache() }));
