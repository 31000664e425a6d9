import { USER_ROLES } from '../../entities/user.entity';
import type { UserRole } from '../../entities/user.entity';
import { createServices } from '../services';
import { parseFlags, runCli } from './cli-support';

/** `npm run user:create -- --role admin --email a@b.c [--name "Ann"]`: prints the API token once. */
runCli('user:create', async (dataSource, config) => {
  const flags = parseFlags(process.argv.slice(2), ['role', 'email', 'name']);
  if (!flags.email || !USER_ROLES.includes(flags.role as UserRole)) {
    throw new Error(`--email is required and --role must be one of ${USER_ROLES.join(', ')}`);
  }
  const services = createServices(dataSource, config);
  const { user, apiToken } = await services.users.create({
    email: flags.email,
    name: flags.name ?? flags.email,
    role: flags.role as UserRole,
  });
  process.stdout.write(
    `created ${user.role} ${user.email} (id ${user.id})\nAPI token (shown once): ${apiToken}\n`,
  );
});
