//! The account ledger: the order-dependent checks (duplicate account names) and the placement
//! of each valid row in a source of the tenant, by the room each has.

use std::sync::Arc;

use nebulk_read::Row;
use nebulk_schema::Schema;

use crate::account_map::AccountMap;
use crate::code::Code;
use crate::placement::{Fill, Held, Known, Placement};
use crate::tenant::Tenant;
use crate::verdict::{AccountKey, Issue, Verdict};

/// What claiming a row's account name found: see [`Ledger::claim_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The row has no usable account name.
    Unnamed,
    /// The row is the first to use its account name.
    First,
    /// An earlier row used the name first, on this line (saturating at `u32::MAX`).
    Taken {
        /// The line of the first use.
        line: u32,
    },
}

/// What a run places in one source.
///
/// ```
/// let placed = nebulk_validate::Placed::default();
/// assert_eq!(placed.creates + placed.updates + placed.unchanged, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placed {
    /// Valid rows creating a new account in it.
    pub creates: u64,
    /// Valid rows changing an account of its export.
    pub updates: u64,
    /// Valid rows repeating an account of its export as it is.
    pub unchanged: u64,
}

/// Tracks account names seen so far, and places each valid row in a source of the [`Tenant`].
///
/// Every row with a non-empty account name claims it, valid or not, so a later row with the
/// same name (compared case-insensitively) is a `duplicate-account`. A valid row whose account an
/// export holds updates that source (or leaves it unchanged); one whose account two exports hold
/// is rejected `account-in-two-sources`. A new account goes to a source with room, by the
/// [`Fill`]; when none has room, the row overflows: it is valid, but not uploaded.
///
/// ```
/// use std::sync::Arc;
/// use nebulk_read::Row;
/// use nebulk_schema::Schema;
/// use nebulk_validate::{AccountKey, Held, Known, Ledger, Placement, Tenant, Verdict};
/// let mut tenant = Tenant::new(&Schema::system(), 2);
/// let north = tenant.add_source("north", None).unwrap();
/// tenant.add_accounts(north, ["ann"]);
/// let mut ledger = Ledger::for_tenant(Arc::new(tenant));
/// let mut place = |name: &str, line| {
///     let mut verdict = Verdict { account_key: Some(AccountKey::of(name)), ..Verdict::default() };
///     let held = Held { index: 0, source: 0, also_in: None };
///     let known = Known { record: (name == "ann").then_some(held), changed: None };
///     ledger.admit(&mut verdict, &Row { line, ..Row::default() }, Some(0), known).map(|p| p.source())
/// };
/// assert_eq!(place("ann", 2), Some(Some(0)));
/// assert_eq!(place("bob", 3), Some(Some(0)));
/// assert_eq!(place("cy", 4), Some(None), "no room: overflow");
/// assert_eq!(place("BOB", 5), None, "a duplicate is rejected");
/// ```
#[derive(Debug, Clone)]
pub struct Ledger {
    tenant: Arc<Tenant>,
    fill: Fill,
    skip_unchanged: bool,
    /// What each source gets.
    placed: Vec<Placed>,
    /// The first source that may still have room (for [`Fill::InOrder`]).
    next_with_room: usize,
    overflow: u64,
    /// For each export record, whether an input row names its account.
    mentioned: Vec<bool>,
    /// The values of the valid rows that change an exported account, by its record, for
    /// [`Tenant::changes`] after the run.
    changed: rustc_hash::FxHashMap<u32, Box<[u8]>>,
    /// Account key -> line of the row that first used it (saturating at `u32::MAX`, to keep
    /// an entry at 16 bytes); when the rows name their files, an index into `first_uses`.
    seen: AccountMap<u32>,
    /// Whether the rows name their files (the input is several files), as the first row with
    /// an account name told; `None` before it.
    by_file: Option<bool>,
    /// When the rows name their files: the file (an index into `files`) and the line of the
    /// row that first used each name, in the order the names were first used. Beside `seen`
    /// rather than in it, so that a single file's entries stay small.
    first_uses: Vec<(u32, u32)>,
    /// The input files met so far, in input order.
    files: Vec<Arc<str>>,
    /// The input's size in bytes, when known, to size the table of names seen once.
    input_bytes: Option<u64>,
}

impl Ledger {
    /// A ledger for one source named [`crate::DEFAULT_SOURCE`], empty, of at most `max_accounts`, for rows of
    /// the system schema.
    ///
    /// ```
    /// let ledger = nebulk_validate::Ledger::new(3);
    /// assert_eq!(ledger.tenant().limit(), 3);
    /// ```
    pub fn new(max_accounts: u64) -> Ledger {
        let mut tenant = Tenant::new(&Schema::system(), max_accounts);
        let _ = tenant.add_source(crate::DEFAULT_SOURCE, None);
        Ledger::for_tenant(Arc::new(tenant))
    }

    /// A ledger placing rows in the sources of `tenant` (at least one).
    pub fn for_tenant(tenant: Arc<Tenant>) -> Ledger {
        Ledger {
            placed: vec![Placed::default(); tenant.sources().len()],
            mentioned: vec![false; tenant.record_count()],
            changed: rustc_hash::FxHashMap::default(),
            tenant,
            fill: Fill::InOrder,
            skip_unchanged: false,
            next_with_room: 0,
            overflow: 0,
            seen: AccountMap::default(),
            by_file: None,
            first_uses: Vec::new(),
            files: Vec::new(),
            input_bytes: None,
        }
    }

    /// How new accounts are spread over the sources.
    pub fn fill(mut self, fill: Fill) -> Ledger {
        self.fill = fill;
        self
    }

    /// Whether rows that leave an existing account as it is are set aside
    /// ([`Placement::Unchanged`]) rather than uploaded.
    pub fn skip_unchanged(mut self, skip: bool) -> Ledger {
        self.skip_unchanged = skip;
        self
    }

    /// Whether unchanged rows are set aside rather than uploaded.
    pub fn skips_unchanged(&self) -> bool {
        self.skip_unchanged
    }

    /// The tenant the rows are placed in.
    pub fn tenant(&self) -> &Arc<Tenant> {
        &self.tenant
    }

    /// Tells the ledger the input's size, so that after the first rows it can size its table of
    /// account names once for the whole input: growing a table holds the old and the new one at
    /// once, which is most of the peak memory of a large run.
    pub fn expect_input_bytes(&mut self, bytes: u64) {
        self.input_bytes = Some(bytes);
    }

    /// Sizes the table from a sample: `rows` rows read in the first `bytes` bytes. At most
    /// 50 million names are reserved for, whatever the estimate.
    pub fn size_from_sample(&mut self, rows: u64, bytes: u64) {
        const MOST: u64 = 50_000_000;
        let (Some(total), true) = (self.input_bytes.take(), rows > 0 && bytes > 0) else {
            return;
        };
        let estimate =
            (total.saturating_mul(rows) / bytes).saturating_add(total / bytes.max(1) + 64);
        let wanted = usize::try_from(estimate.min(MOST)).unwrap_or(0);
        self.seen.reserve(wanted.saturating_sub(self.seen.len()));
    }

    /// What each source gets, in the order of [`Tenant::sources`].
    pub fn placed(&self) -> &[Placed] {
        &self.placed
    }

    /// Valid rows with no room in any source.
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// Whether an input row names the account of export record `record`: when none does, the
    /// account is absent from the input.
    pub fn is_mentioned(&self, record: u32) -> bool {
        self.mentioned.get(record as usize).copied().unwrap_or(true)
    }

    /// The values of the valid row that changes the account of export record `record`, if one
    /// does (encoded, for [`Tenant::changes`]).
    pub fn changed_values(&self, record: u32) -> Option<&[u8]> {
        self.changed.get(&record).map(|values| &**values)
    }

    /// How many accounts of the exports no input row names.
    pub fn absent_count(&self) -> u64 {
        self.mentioned.iter().filter(|m| !**m).count() as u64
    }

    /// Claims the account name of each row of a batch, in input order, into `claims` (cleared
    /// first; one per row): the first row to use a name (ignoring case) claims it, every row,
    /// valid or not. The claims are made in a loop of their own, so that the probes of the
    /// table of names (a cache miss each, once it is large) overlap; each row then goes to
    /// [`Ledger::admit_claimed`] with its claim, in the same order, before the next batch is
    /// claimed.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_validate::{AccountKey, Claim, Ledger, Verdict};
    /// let mut ledger = Ledger::new(10);
    /// let named = |name: &str| Verdict { account_key: Some(AccountKey::of(name)), ..Verdict::default() };
    /// let rows: Vec<Row> = (2..5).map(|line| Row { line, ..Row::default() }).collect();
    /// let mut claims = Vec::new();
    /// ledger.claim_all(&rows, &[named("ann"), Verdict::default(), named("ANN")], &mut claims);
    /// assert_eq!(claims, [Claim::First, Claim::Unnamed, Claim::Taken { line: 2 }]);
    /// ```
    pub fn claim_all(&mut self, rows: &[Row], verdicts: &[Verdict], claims: &mut Vec<Claim>) {
        claims.clear();
        claims.extend(
            rows.iter()
                .zip(verdicts)
                .map(|(row, verdict)| self.claim(verdict.account_key, row)),
        );
    }

    /// Claims the account name `key` of `row`: see [`Ledger::claim_all`].
    fn claim(&mut self, key: Option<AccountKey>, row: &Row) -> Claim {
        let Some(key) = key else {
            return Claim::Unnamed;
        };
        let line = u32::try_from(row.line).unwrap_or(u32::MAX);
        let by_file = *self.by_file.get_or_insert(row.file.is_some());
        let value = if by_file {
            u32::try_from(self.first_uses.len()).unwrap_or(u32::MAX)
        } else {
            line
        };
        // One probe of the table serves both the lookup and the insertion: the name is new
        // exactly when the table grew.
        let before = self.seen.len();
        let first = *self.seen.entry(key).or_insert(value);
        if self.seen.len() == before {
            let line = if by_file {
                self.first_uses
                    .get(first as usize)
                    .map_or(u32::MAX, |u| u.1)
            } else {
                first
            };
            return Claim::Taken { line };
        }
        if by_file {
            let file = row
                .file
                .as_ref()
                .map_or(u32::MAX, |file| self.file_index(file));
            self.first_uses.push((file, line));
        }
        Claim::First
    }

    /// Applies the order-dependent checks to the next row, adding `duplicate-account` or
    /// `account-in-two-sources` issues to its verdict, and places it when it is valid (`known`
    /// is what [`Tenant::match_row`] found for it). Rows must come in input order. With several
    /// input files, a duplicate's message names the file of the first use. The same as
    /// [`Ledger::claim_all`] and [`Ledger::admit_claimed`] for one row.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_validate::{AccountKey, Code, Known, Ledger, Verdict};
    /// let mut ledger = Ledger::new(20_000);
    /// let row_on = |line: u64, file: &str| Row { line, file: Some(file.into()), ..Row::default() };
    /// let mut first = Verdict { account_key: Some(AccountKey::of("ann")), ..Verdict::default() };
    /// assert!(ledger.admit(&mut first, &row_on(2, "page-1.json"), Some(0), Known::default()).is_some());
    /// let mut again = Verdict { account_key: Some(AccountKey::of("ANN")), ..Verdict::default() };
    /// assert!(ledger.admit(&mut again, &row_on(7, "page-2.json"), Some(0), Known::default()).is_none());
    /// assert_eq!(again.codes(), [Code::DuplicateAccount]);
    /// assert_eq!(again.issues[0].message, "account name already used on line 2 of page-1.json");
    /// ```
    pub fn admit(
        &mut self,
        verdict: &mut Verdict,
        row: &Row,
        account_column: Option<usize>,
        known: Known,
    ) -> Option<Placement> {
        let claim = self.claim(verdict.account_key, row);
        self.admit_claimed(verdict, claim, account_column, known)
    }

    /// [`Ledger::admit`] for a row whose account name [`Ledger::claim_all`] claimed: adds a
    /// `duplicate-account` issue when the name was taken, then checks and places the row.
    ///
    /// ```
    /// use nebulk_read::Row;
    /// use nebulk_validate::{AccountKey, Code, Known, Ledger, Verdict};
    /// let mut ledger = Ledger::new(20_000);
    /// let rows = [Row { line: 2, ..Row::default() }, Row { line: 3, ..Row::default() }];
    /// let named = || Verdict { account_key: Some(AccountKey::of("ann")), ..Verdict::default() };
    /// let mut verdicts = [named(), named()];
    /// let mut claims = Vec::new();
    /// ledger.claim_all(&rows, &verdicts, &mut claims);
    /// let placed: Vec<bool> = verdicts
    ///     .iter_mut()
    ///     .zip(claims)
    ///     .map(|(verdict, claim)| ledger.admit_claimed(verdict, claim, Some(0), Known::default()).is_some())
    ///     .collect();
    /// assert_eq!(placed, [true, false]);
    /// assert_eq!(verdicts[1].codes(), [Code::DuplicateAccount]);
    /// ```
    pub fn admit_claimed(
        &mut self,
        verdict: &mut Verdict,
        claim: Claim,
        account_column: Option<usize>,
        known: Known,
    ) -> Option<Placement> {
        let Some(key) = verdict.account_key.take() else {
            return verdict.is_valid().then(|| self.place_new());
        };
        if let Some(held) = known.record {
            if let Some(mentioned) = self.mentioned.get_mut(held.index as usize) {
                *mentioned = true;
            }
        }
        if let Claim::Taken { line: first } = claim {
            let message = match self.first_file(key) {
                Some(file) => format!("account name already used on line {first} of {file}"),
                None => format!("account name already used on line {first}"),
            };
            verdict.issues.push(Issue {
                code: Code::DuplicateAccount,
                column: account_column,
                message,
            });
            return None;
        }
        match known.record {
            Some(held) => self.place_existing(verdict, held, account_column, known.changed),
            None if verdict.is_valid() => Some(self.place_new()),
            None => None,
        }
    }

    /// Places a row whose account an export holds: rejected when two exports hold it, or when
    /// it was a duplicate in the run whose rejects it comes from (its first copy went into that
    /// run's upload, now an export); else an update, or unchanged.
    fn place_existing(
        &mut self,
        verdict: &mut Verdict,
        held: Held,
        account_column: Option<usize>,
        changed: Option<Box<[u8]>>,
    ) -> Option<Placement> {
        let sources = self.tenant.sources();
        let source = usize::from(held.source);
        let name = |source: usize| match sources.get(source) {
            Some(source) => match &source.export {
                Some(export) => format!("{} ({export})", source.name),
                None => source.name.clone(),
            },
            None => format!("source {source}"),
        };
        if let Some(second) = held.also_in {
            verdict.issues.push(Issue {
                code: Code::AccountInTwoSources,
                column: account_column,
                message: format!(
                    "the account is in two sources' exports, {} and {}: remove it from one \
                     source before loading it",
                    name(source),
                    name(usize::from(second))
                ),
            });
        } else if verdict.earlier_duplicate {
            verdict.issues.push(Issue {
                code: Code::DuplicateAccount,
                column: account_column,
                message: format!(
                    "account name already in source {}: this row was a duplicate-account in \
                     the run whose rejects it comes from, and its first copy is there",
                    name(source)
                ),
            });
        }
        if !verdict.is_valid() {
            return None;
        }
        let Some(placed) = self.placed.get_mut(source) else {
            // A source the tenant does not have: nowhere to update, so a new account.
            return Some(self.place_new());
        };
        match changed {
            Some(values) => {
                placed.updates += 1;
                // Empty when the tenant keeps no values ([`Tenant::keeping_changed_values`]).
                if !values.is_empty() {
                    self.changed.insert(held.index, values);
                }
            }
            None => {
                placed.unchanged += 1;
                if self.skip_unchanged {
                    return Some(Placement::Unchanged { source });
                }
            }
        }
        Some(Placement::Upload { source })
    }

    /// Places a valid new account in a source with room, or overflows it.
    fn place_new(&mut self) -> Placement {
        let limit = self.tenant.limit();
        let sources = self.tenant.sources();
        let held = |(i, placed): (usize, &Placed)| sources[i].existing + placed.creates;
        let chosen = match self.fill {
            Fill::InOrder => {
                while self.next_with_room < sources.len()
                    && held((self.next_with_room, &self.placed[self.next_with_room])) >= limit
                {
                    self.next_with_room += 1;
                }
                Some(self.next_with_room).filter(|&i| i < sources.len())
            }
            Fill::Balanced => self
                .placed
                .iter()
                .enumerate()
                .filter(|&entry| held(entry) < limit)
                .min_by_key(|&entry| held(entry))
                .map(|(i, _)| i),
        };
        match chosen {
            Some(source) => {
                self.placed[source].creates += 1;
                Placement::Upload { source }
            }
            None => {
                self.overflow += 1;
                Placement::Overflow
            }
        }
    }

    /// The index of `file` in `files`, added when new. Rows come file after file, so a file is
    /// either the last one met or a new one.
    fn file_index(&mut self, file: &Arc<str>) -> u32 {
        if self.files.last() != Some(file) {
            self.files.push(Arc::clone(file));
        }
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// The file of the row that first used `key`, when the rows name their files.
    fn first_file(&self, key: AccountKey) -> Option<&str> {
        if self.by_file != Some(true) {
            return None;
        }
        let first_use = *self.seen.get(&key)?;
        let (file, _) = *self.first_uses.get(first_use as usize)?;
        self.files.get(file as usize).map(|f| &**f)
    }
}
