//! `sim/events/…`: the kernel's event rate, beside a bare binary-heap event loop measured in
//! the same run, and with a million pending events (the "hold" model: pop one, schedule one).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use ::sim::queue::EventQueue;
use ::sim::station::simulate;
use ::sim::time::SimTime;
use criterion::{Criterion, Throughput};
use rand_core::{Rng as _, SeedableRng as _};

/// Customers per M/M/1 run (two events each).
const CUSTOMERS: u64 = 100_000;

pub(crate) fn define(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim/events");
    let config = benches::mm1_station(CUSTOMERS);
    let events = simulate(&config, 1).events;
    group.throughput(Throughput::Elements(events));
    group.bench_function("mm1", |b| {
        b.iter(|| {
            let stats = simulate(black_box(&config), 1);
            assert_eq!(stats.events, events);
        });
    });

    // The kernel's own cost: the hold model (pop the earliest, schedule one later) with a
    // thousand pending events, through the kernel's queue and through std's BinaryHeap of
    // bare (time, seq) pairs, the floor of any event loop, on the same random increments.
    const HELD: u64 = 1_000;
    const HOLDS: u64 = 200_000;
    group.throughput(Throughput::Elements(HOLDS));
    group.bench_function("hold-1k/kernel", |b| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut queue = EventQueue::with_capacity(2_000);
        for i in 0..HELD {
            queue.schedule(SimTime(rng.next_u64() >> 44), i);
        }
        b.iter(|| {
            for _ in 0..HOLDS {
                let (now, event) = queue.pop().unwrap();
                queue.schedule(now.plus_nanos(rng.next_u64() >> 44), black_box(event));
            }
            assert_eq!(queue.len() as u64, HELD);
        });
    });
    group.bench_function("hold-1k/bare-binary-heap", |b| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut heap = BinaryHeap::with_capacity(2_000);
        for i in 0..HELD {
            heap.push(Reverse((rng.next_u64() >> 44, i)));
        }
        let mut seq = HELD;
        b.iter(|| {
            for _ in 0..HOLDS {
                let Reverse((now, _)) = heap.pop().unwrap();
                heap.push(Reverse((now + (rng.next_u64() >> 44), black_box(seq))));
                seq += 1;
            }
            assert_eq!(heap.len() as u64, HELD);
        });
    });

    // A million pending events: pop the earliest, schedule one later.
    const PENDING: u64 = 1_000_000;
    const OPERATIONS: u64 = 100_000;
    group.throughput(Throughput::Elements(OPERATIONS));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let mut queue = EventQueue::with_capacity(usize::try_from(PENDING).unwrap());
    for i in 0..PENDING {
        queue.schedule(SimTime(rng.next_u64() >> 24), i);
    }
    group.bench_function("pending-1M", |b| {
        b.iter(|| {
            for _ in 0..OPERATIONS {
                let (now, event) = queue.pop().unwrap();
                queue.schedule(now.plus_nanos(rng.next_u64() >> 24), event);
            }
            assert_eq!(queue.len() as u64, PENDING);
        });
    });
    group.finish();
}

/// `sim/kms/<provider>`: simulated requests per second of wall time on a full KMS scenario
/// (one Region, three AZs, 100 keys, a mixed Encrypt/Decrypt/GenerateDataKey load at
/// 10,000 requests/s for 5 simulated seconds), with real cryptography and with the insecure
/// modelling provider.
pub(crate) fn define_kms(c: &mut Criterion) {
    use ::engine::crypto::ProviderKind;
    use ::sim::{Scenario, Simulation};

    let mut group = c.benchmark_group("sim/kms");
    group.sample_size(10);
    for provider in [ProviderKind::AwsLcRs, ProviderKind::InsecureModelling] {
        let mut scenario = Scenario::steady("bench", 10_000.0, 5 * 1_000_000_000);
        scenario.provider = provider;
        let requests = Simulation::new(scenario.clone(), 1).unwrap().run().counters.requests;
        group.throughput(Throughput::Elements(requests));
        group.bench_function(provider.as_str(), |b| {
            b.iter_batched(
                || Simulation::new(scenario.clone(), 1).unwrap(),
                |simulation| {
                    let report = simulation.run();
                    assert_eq!(report.counters.ok, requests);
                },
                criterion::BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}
