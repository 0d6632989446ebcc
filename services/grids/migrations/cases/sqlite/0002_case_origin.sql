-- What raised a case in another context ("residents/proposal/<uuid>"), ''
-- for reports made to the grids service directly.
ALTER TABLE cases ADD COLUMN origin TEXT NOT NULL DEFAULT '';
