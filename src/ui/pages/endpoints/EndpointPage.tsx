import { PageHeader } from "../../components/PageHeader";

export function EndpointPage() {
  return <PageHeader title="EndpointPage" subtitle="Not built yet." />;
}
