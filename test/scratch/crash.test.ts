import { authAs, startTestApp } from '../harness';
it('crash', async () => {
  let now = new Date('2027-05-10T12:00:00Z');
  const app = await startTestApp({ clock: () => now, config: { nodeEnv: 'development' } as never });
  const h = await authAs('PRIVACY_OFFICER');
  const r = await app.gql(`mutation { reportBreach(input: {awareAt: "2027-05-10T08:00:00Z", description: "x", processors: ["aws"], risk: HIGH_RISK}) { id } }`, {}, h);
  const id = r.data!.reportBreach.id;
  const n = await app.gql(`mutation ($id: ID!) { recordAuthorityNotice(id: $id) { id authorityNotifiedAt } }`, { id }, h);
  console.log(JSON.stringify(n));
  const b = await app.gql(`query ($id: ID!) { breach(id: $id) { id authorityNotifiedAt subjectsNotifiedAt } }`, { id }, h);
  console.log(JSON.stringify(b));
  await app.close();
});
