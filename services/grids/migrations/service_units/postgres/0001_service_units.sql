-- Providers of the procurement context, by id, for the units' names.
CREATE TABLE IF NOT EXISTS service_providers (
    provider_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    name TEXT NOT NULL
);

-- Contracts for dispatchable services (mediation, care): for its term the
-- provider is a unit cases may be dispatched to. Dates YYYY-MM-DD compare
-- as text.
CREATE TABLE IF NOT EXISTS service_units (
    district TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    purchase_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    item_code TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    PRIMARY KEY (district, purchase_id)
);

CREATE INDEX IF NOT EXISTS service_units_by_provider ON service_units (district, provider_id);
