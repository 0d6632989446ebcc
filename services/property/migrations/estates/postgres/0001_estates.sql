-- The estate register: estates, buildings and units with their three areas
-- (empty text = not known) and current owner; dates are ISO 8601 text.
CREATE TABLE IF NOT EXISTS estates (
    estate_id TEXT PRIMARY KEY,
    district TEXT NOT NULL,
    community TEXT NOT NULL,
    name TEXT NOT NULL,
    developer_id TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    preparatory_group_led_by TEXT NOT NULL DEFAULT '',
    preparatory_group_formed_on TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS estates_by_district ON estates (district, community);

CREATE TABLE IF NOT EXISTS estate_buildings (
    estate_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (estate_id, building_id)
);

CREATE TABLE IF NOT EXISTS estate_units (
    estate_id TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    number TEXT NOT NULL,
    register_area TEXT NOT NULL,
    surveyed_area TEXT NOT NULL,
    contract_area TEXT NOT NULL,
    owner_id TEXT NOT NULL DEFAULT '',
    resident_id TEXT NOT NULL DEFAULT '',
    delivered_on TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (estate_id, unit_id)
);
