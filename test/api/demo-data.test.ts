import { seedDemoData } from '../../src/services/demo-data';
import { describeEachEngine, TestApp } from '../support/test-app';

describeEachEngine('demo data', (engine) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start(engine);
  });
  afterAll(async () => {
    await app.close();
  });

  it('loads records and templates once, usable at once', async () => {
    expect(await seedDemoData(app.server.services)).toBe(true);
    expect(await seedDemoData(app.server.services)).toBe(false);
    const contacts = await app.get('/api/contacts?sms_opt_in=true');
    expect(contacts.body.total).toBeGreaterThanOrEqual(4);
    const templates = await app.get('/api/sms-templates?module=contacts');
    const template = templates.body.data[0];
    const camille = (await app.get('/api/contacts?q=Camille')).body.data[0];
    const sms = await app.post(`/api/contacts/${camille.id}/sms-messages`, {
      template_id: template.id,
      status: 'send_sms',
    });
    expect(sms.status).toBe(201);
    expect(sms.body.body).toContain('Hello Camille');
    expect(sms.body.body).toContain('Boulangerie Dupont');
  });
});
