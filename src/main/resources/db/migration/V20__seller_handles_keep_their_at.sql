-- A seller's handle is now stored as it is compared, with a leading '@' (Senders.normalize): a client whose handle is
-- the digits of the seller's phone number (@33612345678) was taken for the seller. Digits alone are a phone number
-- from 7 of them, the fewest an international number has (a seller's number was refused with fewer): shorter ones
-- were handles (@1234). A handle of 7 digits or more registered before this cannot be told from a number, and stays
-- one.
UPDATE tenant_seller
SET sender = '@' || sender
WHERE sender !~ '^[0-9]{7,}$'
  AND sender !~ '@lid$'
  AND sender NOT LIKE '@%';
