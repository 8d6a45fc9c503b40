import { runStorageConformance } from '../src/testing';
import { memoryStorage } from '../src';

runStorageConformance({ name: 'memory', open: (clock) => memoryStorage({ clock }) });
