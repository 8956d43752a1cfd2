/**
 * The modules that register `lake bench` sections (see lib/bench/bench.ts). Add one import line for yours.
 */
import './transactions';
import './stream';
import './api';
