//! `tanji bench ledger`: the carbon points ledger through the store, on TigerBeetle's benchmark workload — 100,000
//! accounts, 2,000,000 transfers in batches of 8,190, accounts picked uniformly or by Zipf's law — each batch one
//! durable transaction. Prints transfers/s and the batch latency p50/p99, then checks the invariants from what is
//! stored (`PointsLedger::check`: the accounts sum to the running totals, debits equal credits so the sum of all
//! balances is zero, every account equals the replay of its transfers, no id stored twice) and, independently, that
//! every account's totals equal those of the transfers this program generated. Any failure ends the run with an
//! error.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail, ensure};
use rand::{Rng as _, SeedableRng as _};
use rand_distr::{Distribution as _, Zipf};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;
use tanji_account::ledger::{AccountFlags, Created, Ledger, NewAccount, NewTransfer};
use tanji_i18n::bench::BenchText;
use tanji_i18n::{Language, Localize as _};
use tanji_store::account_ledger::PointsLedger;
use tanji_store::{NewMember, Store, SystemClock};
use tanji_tenancy::member::{DisplayName, Email, Password, Role};
use tanji_tenancy::organisation::{OrganisationKind, OrganisationProfile};

use crate::options::{BenchLedgerArgs, LedgerDistribution};

/// The points ledger number of the benchmark (any non-zero value).
const LEDGER: u32 = 1;

/// The figures of one run.
#[derive(Debug, Serialize)]
struct Run {
    backend: &'static str,
    distribution: &'static str,
    n_accounts: usize,
    n_transfers: usize,
    batch_size: usize,
    accounts_s: f64,
    transfers_s: f64,
    transfers_per_s: f64,
    batch_ms_p50: f64,
    batch_ms_p99: f64,
    batch_ms_max: f64,
    check_s: f64,
    /// Posted points moved in total, as the stored ledger sums them.
    posted_total: u128,
    /// The SQLite file with its WAL after the run (PostgreSQL: not measured here).
    database_bytes: Option<u64>,
}

pub async fn ledger(args: BenchLedgerArgs, language: Language) -> anyhow::Result<()> {
    ensure!(args.accounts >= 2, "{}", BenchText::LedgerTooFewAccounts.localize(language));
    ensure!(args.batch >= 1, "{}", BenchText::LedgerBatchTooSmall.localize(language));
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let distributions: &[LedgerDistribution] = match args.distribution {
        LedgerDistribution::Both => &[LedgerDistribution::Uniform, LedgerDistribution::Zipfian],
        LedgerDistribution::Uniform => &[LedgerDistribution::Uniform],
        LedgerDistribution::Zipfian => &[LedgerDistribution::Zipfian],
    };
    let mut runs = Vec::new();
    for (run_idx, distribution) in distributions.iter().enumerate() {
        let (store, backend) = fresh_store(&args, *distribution).await?;
        let ledger = operator_ledger(&store, run_idx).await?;
        let run = run(&args, ledger, *distribution, backend).await;
        store.close().await;
        let mut run = run?;
        if args.postgres.is_none() {
            let file = args.out.join(format!("bench-ledger-{}.sqlite", distribution_name(*distribution)));
            let mut bytes = 0;
            for suffix in ["", "-wal"] {
                bytes += std::fs::metadata(format!("{}{suffix}", file.display())).map_or(0, |metadata| metadata.len());
            }
            run.database_bytes = Some(bytes);
        }
        let figures = BenchText::LedgerRun {
            backend: backend.to_string(),
            distribution: run.distribution.to_string(),
            n_transfers: run.n_transfers,
            seconds: run.transfers_s,
            per_s: run.transfers_per_s,
            p50_ms: run.batch_ms_p50,
            p99_ms: run.batch_ms_p99,
            max_ms: run.batch_ms_max,
            check_s: run.check_s,
            megabytes: run.database_bytes.map(|bytes| bytes as f64 / 1e6),
        };
        println!("{}", figures.localize(language));
        runs.push(run);
    }
    let report = args.out.join("tanji-bench-ledger.json");
    std::fs::write(&report, serde_json::to_string_pretty(&runs)?)
        .with_context(|| format!("writing {}", report.display()))?;
    eprintln!("{}", BenchText::Details { path: report.display().to_string() }.localize(language));
    Ok(())
}

/// A fresh SQLite file in OUT, or the PostgreSQL database given (each run there gets its own operator organisation,
/// hence its own ledger).
async fn fresh_store(
    args: &BenchLedgerArgs,
    distribution: LedgerDistribution,
) -> anyhow::Result<(Store, &'static str)> {
    if let Some(url) = &args.postgres {
        return Ok((Store::open(url, Arc::new(SystemClock)).await?, "postgresql"));
    }
    let file_name = format!("bench-ledger-{}.sqlite", distribution_name(distribution));
    remove_sqlite_files(&args.out.join(&file_name))?;
    let url = crate::commands::database_url(None, &args.out, &file_name)?;
    Ok((Store::open(&url, Arc::new(SystemClock)).await?, "sqlite"))
}

fn remove_sqlite_files(file: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", file.display());
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("removing {path}")),
        }
    }
    Ok(())
}

/// A new platform operator with an editor, and its (new, empty) points ledger.
async fn operator_ledger(store: &Store, run_idx: usize) -> anyhow::Result<PointsLedger> {
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let profile = OrganisationProfile::parse(&format!("基准碳普惠 Bench scheme {}", &unique[..12]), "CN", None)?;
    let organisation = store.operator_register_organisation(&profile, OrganisationKind::PlatformOperator).await?;
    let email = format!("bench-{run_idx}-{}@bench.example", &unique[..12]);
    let member = NewMember {
        email: Email::parse(&email)?,
        display_name: Some(DisplayName::parse("Bench")?),
        role: Role::Editor,
        initial_password: Some(Password::parse_new("bench-password-2026")?),
    };
    store.operator_add_member(organisation.id, &member).await?;
    let actor = store.operator_member_actor(&organisation, &email).await?;
    Ok(store.points_ledger(&actor).await?)
}

fn distribution_name(distribution: LedgerDistribution) -> &'static str {
    match distribution {
        LedgerDistribution::Uniform => "uniform",
        LedgerDistribution::Zipfian => "zipfian",
        LedgerDistribution::Both => "both",
    }
}

/// Picks account indices `0..n` uniformly or by Zipf's law (exponent 1) over a seeded shuffle of the accounts, so
/// that the busiest accounts are spread over the id space as real people's would be.
struct AccountPicker {
    zipf: Option<(Zipf<f64>, Vec<u32>)>,
    n_accounts: usize,
}

impl AccountPicker {
    fn new(distribution: LedgerDistribution, n_accounts: usize, rng: &mut Xoshiro256PlusPlus) -> anyhow::Result<Self> {
        let zipf = match distribution {
            LedgerDistribution::Zipfian => {
                let mut ranks: Vec<u32> = (0..u32::try_from(n_accounts)?).collect();
                for index in (1..ranks.len()).rev() {
                    ranks.swap(index, rng.random_range(0..=index));
                }
                Some((Zipf::new(n_accounts as f64, 1.0)?, ranks))
            }
            _ => None,
        };
        Ok(Self { zipf, n_accounts })
    }

    fn pick(&self, rng: &mut Xoshiro256PlusPlus) -> usize {
        match &self.zipf {
            // Zipf samples are 1..=n as floats.
            Some((zipf, ranks)) => ranks[(zipf.sample(rng) as usize).clamp(1, self.n_accounts) - 1] as usize,
            None => rng.random_range(0..self.n_accounts),
        }
    }
}

fn account_id(index: usize) -> u128 {
    index as u128 + 1
}

async fn run(
    args: &BenchLedgerArgs,
    mut ledger: PointsLedger,
    distribution: LedgerDistribution,
    backend: &'static str,
) -> anyhow::Result<Run> {
    let now = || jiff::Timestamp::now();
    // Accounts, in batches, without balance flags (as in TigerBeetle's benchmark: every transfer succeeds).
    let started = Instant::now();
    let mut account_batch = Vec::with_capacity(args.batch);
    for first in (0..args.accounts).step_by(args.batch) {
        account_batch.clear();
        account_batch.extend((first..(first + args.batch).min(args.accounts)).map(|index| NewAccount {
            id: account_id(index),
            ledger: LEDGER,
            code: 1,
            flags: AccountFlags::default(),
            user_data_128: 0,
            user_data_64: 0,
            user_data_32: 0,
        }));
        let results = ledger.create_accounts(&account_batch, now()).await?;
        if let Some((index, result)) = results.iter().enumerate().find(|(_, result)| **result != Ok(Created::Created)) {
            bail!("account {} was not created: {result:?}", account_batch[index].id);
        }
    }
    let accounts_s = started.elapsed().as_secs_f64();

    // The transfers, generated batch by batch from the seed; what each account should hold is kept alongside.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(args.seed);
    let picker = AccountPicker::new(distribution, args.accounts, &mut rng)?;
    let mut expected_debits = vec![0u128; args.accounts];
    let mut expected_credits = vec![0u128; args.accounts];
    let mut batch_ms = Vec::with_capacity(args.transfers.div_ceil(args.batch));
    let mut batch = Vec::with_capacity(args.batch);
    let mut next_id: u128 = 1;
    let started = Instant::now();
    let mut submitted = 0;
    while submitted < args.transfers {
        batch.clear();
        for _ in 0..args.batch.min(args.transfers - submitted) {
            let debit = picker.pick(&mut rng);
            let mut credit = picker.pick(&mut rng);
            while credit == debit {
                credit = picker.pick(&mut rng);
            }
            let amount = rng.random_range(1..=100u128);
            expected_debits[debit] += amount;
            expected_credits[credit] += amount;
            // Ids increase, as TigerBeetle recommends (time-based ids); tanji's event ids are hashes instead, which
            // the store indexes the same way.
            batch.push(NewTransfer {
                id: next_id,
                debit_account_id: account_id(debit),
                credit_account_id: account_id(credit),
                amount,
                ledger: LEDGER,
                code: 1,
                ..NewTransfer::default()
            });
            next_id += 1;
        }
        let batch_started = Instant::now();
        let results = ledger.create_transfers(&batch, now()).await?;
        batch_ms.push(batch_started.elapsed().as_secs_f64() * 1e3);
        if let Some((index, result)) = results.iter().enumerate().find(|(_, result)| **result != Ok(Created::Created)) {
            bail!("transfer {} was not created: {result:?}", batch[index].id);
        }
        submitted += batch.len();
    }
    let transfers_s = started.elapsed().as_secs_f64();

    // The invariants, from what is stored.
    let started = Instant::now();
    let check = ledger.check().await?.map_err(|broken| anyhow::anyhow!("the stored ledger is broken: {broken}"))?;
    ensure!(
        check.n_transfers == args.transfers as u64,
        "{} transfers stored, {} submitted",
        check.n_transfers,
        args.transfers
    );
    ensure!(
        check.n_accounts == args.accounts as u64,
        "{} accounts stored, {} created",
        check.n_accounts,
        args.accounts
    );
    let ids: Vec<u128> = (0..args.accounts).map(account_id).collect();
    let mut n_checked = 0;
    for chunk in ids.chunks(8_000) {
        for account in ledger.lookup_accounts(chunk).await? {
            let index = usize::try_from(account.id - 1)?;
            ensure!(
                (account.debits_posted, account.credits_posted) == (expected_debits[index], expected_credits[index]),
                "account {} holds debits {} and credits {}, but the submitted transfers give {} and {}",
                account.id,
                account.debits_posted,
                account.credits_posted,
                expected_debits[index],
                expected_credits[index]
            );
            n_checked += 1;
        }
    }
    ensure!(n_checked == args.accounts, "{n_checked} of {} accounts read back", args.accounts);
    let check_s = started.elapsed().as_secs_f64();

    batch_ms.sort_by(f64::total_cmp);
    let quantile = |q: f64| batch_ms[((batch_ms.len() - 1) as f64 * q).round() as usize];
    Ok(Run {
        backend,
        distribution: distribution_name(distribution),
        n_accounts: args.accounts,
        n_transfers: args.transfers,
        batch_size: args.batch,
        accounts_s,
        transfers_s,
        transfers_per_s: args.transfers as f64 / transfers_s,
        batch_ms_p50: quantile(0.5),
        batch_ms_p99: quantile(0.99),
        batch_ms_max: batch_ms.last().copied().unwrap_or(0.0),
        check_s,
        posted_total: check.posted_total,
        database_bytes: None,
    })
}
