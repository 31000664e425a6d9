import { USER_ROLES } from '../../entities/user.entity';
import type { UserRole } from '../../entities/user.entity';
import { createServices } from '../services';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords';
import { parseFlags, runCli } from './cli-support';

/**
 * `npm run user:create -- --role admin --email a@b.c [--name "Ann"] [--password "…"]`: prints
 * the API token once; with --password the user can also sign in to the pages.
 */
runCli('user:create', async (dataSource, config) => {
  const flags = parseFlags(process.argv.slice(2), ['role', 'email', 'name', 'password']);
  if (flags.password !== undefined && flags.password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`--password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (!flags.email || !USER_ROLES.includes(flags.role as UserRole)) {
    throw new Error(`--email is required and --role must be one of ${USER_ROLES.join(', ')}`);
  }
  const services = createServices(dataSource, config);
  const { user, apiToken } = await services.users.create({
    email: flags.email,
    name: flags.name ?? flags.email,
    role: flags.role as UserRole,
  });
  if (flags.password) {
    await services.users.setPassword(user.id, flags.password);
  }
  process.stdout.write(
    `created ${user.role} ${user.email} (id ${user.id})\nAPI token (shown once): ${apiToken}\n`,
  );
});
