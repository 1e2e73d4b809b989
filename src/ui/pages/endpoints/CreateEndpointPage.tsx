import { PageHeader } from "../../components/PageHeader";

export function CreateEndpointPage() {
  return <PageHeader title="CreateEndpointPage" subtitle="Not built yet." />;
}
