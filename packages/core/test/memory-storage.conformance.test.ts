import { memoryStorage } from '../src';
import { runStorageConformance } from '../src/testing';

runStorageConformance({ name: 'memory', open: (clock) => memoryStorage({ clock }) });
