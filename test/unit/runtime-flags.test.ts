import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APP_NODE_FLAGS } from '../../bench/expansion.bench';

/**
 * The bench measures the generator under the Node flags production runs it with; both lists
 * live in different files (package.json cannot import), so this keeps them in step.
 */
describe('Node flags of the app processes', () => {
  const scripts = (
    JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;

  it.each(['start', 'dev', 'worker'])(
    'the %s script runs node with the bench children’s flags',
    (name) => {
      const command = scripts[name];
      const node = command.slice(command.lastIndexOf('node '));
      const flags = node.split(/\s+/).filter((word) => word.startsWith('--'));
      expect(flags).toEqual(APP_NODE_FLAGS);
    },
  );
});
