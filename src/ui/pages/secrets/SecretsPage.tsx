import { PageHeader } from "../../components/PageHeader";

export function SecretsPage() {
  return <PageHeader title="SecretsPage" subtitle="Not built yet." />;
}
