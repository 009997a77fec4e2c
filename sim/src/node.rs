//! One Region of the world: its engine, and what the engine does not model: the endpoint's
//! availability, AZs with HSM pools (servers and a FIFO queue), and their health.

use std::collections::VecDeque;

use engine::api::Operation;
use engine::spec::KeySpec;
use engine::{Engine, Region};

use crate::dist::{Dist, Sampler};
use crate::scenario::{AzConfig, RegionConfig};
use crate::time::SimTime;

/// One attempt's trip through an AZ, from the front door's routing to the end of its
/// service (or its loss with the AZ). Abandoned attempts finish their trip too: the HSM does
/// not know that the client gave up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Leg {
    /// The request's slot, and the attempt the leg carries.
    pub(crate) slot: u32,
    pub(crate) attempt: u64,
    /// The Region and the AZ in it.
    pub(crate) region: u16,
    pub(crate) az: u16,
    /// The AZ's epoch when the attempt was routed: a loss of the AZ since orphans the leg.
    pub(crate) epoch: u32,
    /// When the attempt reached the AZ (set on arrival).
    pub(crate) arrived: SimTime,
}

/// The legs under way, by id: a slab that reuses the most recently freed id first (a
/// deterministic order) and stays as large as the most legs ever under way at once.
#[derive(Debug, Default)]
pub(crate) struct Legs {
    legs: Vec<Leg>,
    free: Vec<u32>,
}

impl Legs {
    /// Stores `leg`; its id.
    pub(crate) fn open(&mut self, leg: Leg) -> u32 {
        if let Some(id) = self.free.pop() {
            self.legs[id as usize] = leg;
            id
        } else {
            self.legs.push(leg);
            u32::try_from(self.legs.len() - 1).unwrap_or(u32::MAX)
        }
    }

    /// Frees `id` for reuse.
    pub(crate) fn close(&mut self, id: u32) {
        self.free.push(id);
    }
}

impl std::ops::Index<u32> for Legs {
    type Output = Leg;

    fn index(&self, id: u32) -> &Leg {
        &self.legs[id as usize]
    }
}

impl std::ops::IndexMut<u32> for Legs {
    fn index_mut(&mut self, id: u32) -> &mut Leg {
        &mut self.legs[id as usize]
    }
}

/// One AZ's HSM pool.
#[derive(Debug)]
pub(crate) struct AzNode {
    pub(crate) config: AzConfig,
    /// Whether its HSMs answer.
    pub(crate) up: bool,
    /// Whether the load balancer has taken it out of service.
    pub(crate) drained: bool,
    /// Bumped whenever the AZ loses what it held, so late completions are recognised.
    pub(crate) epoch: u32,
    /// HSMs serving a request.
    pub(crate) busy: u32,
    /// Legs waiting for an HSM, first come first served.
    pub(crate) queue: VecDeque<u32>,
    /// Gray failure: added service latency and an error share [ppm].
    pub(crate) gray: Option<(Dist, u32)>,
    /// Service-time factor [‰].
    pub(crate) slowdown_permille: u32,
    /// Little's law counters.
    pub(crate) little: LittleCounters,
    /// HSM-busy time this interval [ns·HSM].
    pub(crate) busy_area_interval: u128,
    /// HSM time in service (the AZ up) this interval [ns·HSM].
    pub(crate) capacity_area_interval: u128,
    /// Sum of the arrival times of the requests in service [ns], so a failure that drops
    /// them can count their time in the system.
    pub(crate) in_service_arrivals_ns: u128,
    last_change: SimTime,
}

/// The counters Little's law is checked on: arrivals, departures, time in system, and the
/// area under the number-in-system curve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LittleCounters {
    pub(crate) arrivals: u64,
    pub(crate) departures: u64,
    /// Sum of the times in system of departed requests [ns].
    pub(crate) sojourn_ns: u128,
    /// ∫ number in system dt [ns·requests].
    pub(crate) area: u128,
}

impl AzNode {
    pub(crate) fn new(config: AzConfig) -> Self {
        Self {
            config,
            up: true,
            drained: false,
            epoch: 0,
            busy: 0,
            queue: VecDeque::new(),
            gray: None,
            slowdown_permille: 1_000,
            little: LittleCounters::default(),
            busy_area_interval: 0,
            capacity_area_interval: 0,
            in_service_arrivals_ns: 0,
            last_change: SimTime::ZERO,
        }
    }

    /// Requests in the AZ: being served or waiting.
    pub(crate) fn in_system(&self) -> u64 {
        u64::from(self.busy) + self.queue.len() as u64
    }

    /// Brings the area counters up to `now`; call before any change in what the AZ holds.
    pub(crate) fn account(&mut self, now: SimTime) {
        let dt = u128::from(now.nanos_since(self.last_change));
        self.little.area += dt * u128::from(self.in_system());
        self.busy_area_interval += dt * u128::from(self.busy);
        if self.up {
            self.capacity_area_interval += dt * u128::from(self.config.hsms);
        }
        self.last_change = self.last_change.max(now);
    }

    /// Whether the load balancer would send it a request.
    pub(crate) const fn routable(&self) -> bool {
        !self.drained
    }

    /// Load for routing: requests held per HSM, compared as a fraction.
    fn load(&self) -> (u64, u64) {
        (self.in_system(), u64::from(self.config.hsms.max(1)))
    }

    /// A request that arrived at `arrived` left at `now` (served or dropped).
    pub(crate) fn depart(&mut self, arrived: SimTime, now: SimTime) {
        self.little.departures += 1;
        self.little.sojourn_ns += u128::from(now.nanos_since(arrived));
    }
}

/// One Region.
#[derive(Debug)]
pub(crate) struct RegionNode {
    pub(crate) config: RegionConfig,
    pub(crate) engine: Engine,
    pub(crate) azs: Vec<AzNode>,
    /// Whether the endpoint answers.
    pub(crate) up: bool,
    /// Front end to AZ latency, prepared.
    pub(crate) inter_az: Sampler,
    /// Service time of each operation, indexed by `Operation as usize`, prepared.
    pub(crate) service: Vec<Sampler>,
    /// Service time of the key specs with their own, per operation (indexed by `Operation as
    /// usize`), prepared: a dozen at most, so a scan.
    service_by_spec: Vec<Vec<(KeySpec, Sampler)>>,
    /// Where the round-robin scan for the least-loaded AZ starts next.
    next_az: usize,
}

impl RegionNode {
    pub(crate) fn new(config: RegionConfig, engine: Engine) -> Self {
        let azs = config.azs.iter().cloned().map(AzNode::new).collect();
        let inter_az = config.inter_az_latency.sampler();
        let service =
            Operation::ALL.iter().map(|&op| config.service_times.of(op).sampler()).collect();
        let mut service_by_spec: Vec<Vec<(KeySpec, Sampler)>> =
            Operation::ALL.iter().map(|_| Vec::new()).collect();
        for (op, spec, dist) in &config.service_times.per_key_spec {
            let specs = &mut service_by_spec[*op as usize];
            // The first entry wins, as in `ServiceTimes::of_key_spec`.
            if !specs.iter().any(|(s, _)| s == spec) {
                specs.push((*spec, dist.sampler()));
            }
        }
        Self { config, engine, azs, up: true, inter_az, service, service_by_spec, next_az: 0 }
    }

    /// The prepared service time of `operation` on a key of `spec`.
    pub(crate) fn service_time(&self, operation: Operation, spec: KeySpec) -> &Sampler {
        self.service_by_spec[operation as usize]
            .iter()
            .find(|(s, _)| *s == spec)
            .map_or(&self.service[operation as usize], |(_, sampler)| sampler)
    }

    pub(crate) const fn region(&self) -> Region {
        self.config.region
    }

    /// The least-loaded AZ the load balancer still sends to; ties go to the next one in
    /// round-robin order, so an idle Region spreads its requests evenly.
    pub(crate) fn route(&mut self) -> Option<usize> {
        let n = self.azs.len();
        let mut best: Option<usize> = None;
        for offset in 0..n {
            let index = (self.next_az + offset) % n;
            let az = &self.azs[index];
            if !az.routable() {
                continue;
            }
            let better = best.is_none_or(|b| {
                let ((held, hsms), (best_held, best_hsms)) = (az.load(), self.azs[b].load());
                u128::from(held) * u128::from(best_hsms) < u128::from(best_held) * u128::from(hsms)
            });
            if better {
                best = Some(index);
            }
        }
        self.next_az = (self.next_az + 1) % n.max(1);
        best
    }

    /// The index of the AZ called `name`.
    pub(crate) fn az_index(&self, name: &str) -> Option<usize> {
        self.azs.iter().position(|az| az.config.name == name)
    }
}
