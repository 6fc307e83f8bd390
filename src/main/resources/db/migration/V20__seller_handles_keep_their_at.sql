-- A seller's handle is now stored as it is compared, with a leading '@' (Senders.normalize): a client whose handle is
-- the digits of the seller's phone number (@33612345678) was taken for the seller. Rows of digits alone stay phone
-- numbers: a handle of digits alone registered before this cannot be told from one, and is read as a number.
UPDATE tenant_seller
SET sender = '@' || sender
WHERE sender !~ '^[0-9]+$'
  AND sender !~ '@lid$'
  AND sender NOT LIKE '@%';
