//! Request counts by (workload, Region, operation), counted on the hot path.
//!
//! A workload's account and key group are fixed, so these three indices determine the
//! (account, Region, operation, key group) the cost model and the quota invariant read. A
//! dense array makes each count one indexed add; the report folds the counts into keyed maps
//! once, at the end.

use engine::api::Operation;

/// Dense counters over (workload, Region, operation).
#[derive(Clone, Debug)]
pub(crate) struct Tally {
    regions: usize,
    counts: Vec<u64>,
}

impl Tally {
    /// Zeroed counters for `workloads` workloads in a world of `regions` Regions.
    pub(crate) fn new(workloads: usize, regions: usize) -> Self {
        Self { regions, counts: vec![0; workloads * regions * Operation::ALL.len()] }
    }

    fn index(&self, workload: u32, region: u16, operation: Operation) -> usize {
        (workload as usize * self.regions + usize::from(region)) * Operation::ALL.len()
            + operation as usize
    }

    /// Counts one request.
    pub(crate) fn add(&mut self, workload: u32, region: u16, operation: Operation) {
        let index = self.index(workload, region, operation);
        self.counts[index] += 1;
    }

    /// Every non-zero count as (workload, Region, operation, count), in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, u16, Operation, u64)> + '_ {
        let per_workload = self.regions * Operation::ALL.len();
        self.counts.iter().enumerate().filter(|&(_, &n)| n > 0).map(move |(i, &n)| {
            let workload = u32::try_from(i / per_workload).unwrap_or(u32::MAX);
            let region = u16::try_from(i % per_workload / Operation::ALL.len()).unwrap_or(u16::MAX);
            (workload, region, Operation::ALL[i % Operation::ALL.len()], n)
        })
    }

    /// Forgets every count.
    pub(crate) fn clear(&mut self) {
        self.counts.fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_come_back_under_their_indices() {
        let mut tally = Tally::new(2, 3);
        tally.add(1, 2, Operation::Decrypt);
        tally.add(1, 2, Operation::Decrypt);
        tally.add(0, 0, Operation::Encrypt);
        tally.add(1, 0, Operation::Encrypt);
        let counts: Vec<_> = tally.iter().collect();
        assert_eq!(
            counts,
            [
                (0, 0, Operation::Encrypt, 1),
                (1, 0, Operation::Encrypt, 1),
                (1, 2, Operation::Decrypt, 2)
            ]
        );
        tally.clear();
        assert_eq!(tally.iter().count(), 0);
    }
}
