import { describeStores } from '../../testing/index.js';
import { memoryStores } from './memory-stores.js';

describeStores('memoryStores', async () => {
  const stores = memoryStores();
  return { stores, readEvents: async () => stores.recordedEvents };
});
