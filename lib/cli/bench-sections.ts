/**
 * The modules that register `lake bench` sections (see lib/cli/bench.ts). Add one import line for yours.
 */
import './bench-transactions';
import './bench-stream';
import '../api/bench';
