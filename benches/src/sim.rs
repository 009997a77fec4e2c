//! `sim/events/…`: the kernel's event rate, beside a bare binary-heap event loop measured in
//! the same run, and with a million pending events (the "hold" model: pop one, schedule one).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

use ::sim::queue::EventQueue;
use ::sim::station::{Duration, StationConfig, simulate};
use ::sim::time::SimTime;
use criterion::{Criterion, Throughput};
use rand_core::{Rng as _, SeedableRng as _};

/// Customers per M/M/1 run (two events each).
const CUSTOMERS: u64 = 100_000;

pub(crate) fn define(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim/events");
    let config = StationConfig {
        interarrival: Duration::Exponential { mean_ns: 1_000_000.0 / 0.8 },
        service: Duration::Exponential { mean_ns: 1_000_000.0 },
        servers: 1,
        customers: CUSTOMERS,
        warmup: 0,
        batches: 10,
    };
    let events = simulate(&config, 1).events;
    group.throughput(Throughput::Elements(events));
    group.bench_function("mm1", |b| {
        b.iter(|| {
            let stats = simulate(black_box(&config), 1);
            assert_eq!(stats.events, events);
        });
    });

    // The same number of events through std's BinaryHeap alone: the floor of an event loop.
    group.bench_function("bare-binary-heap", |b| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        b.iter(|| {
            let mut heap = BinaryHeap::with_capacity(64);
            heap.push(Reverse((0u64, 0u64)));
            for seq in 1..=events {
                let Some(Reverse((now, _))) = heap.pop() else { break };
                heap.push(Reverse((now + (rng.next_u64() >> 44), seq)));
            }
            assert_eq!(heap.len(), 1);
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
