import styles from './status.module.css';

export default function Loading() {
  return (
    <div className={styles.skeleton} role="status" aria-label="Loading">
      <div className={styles.barWide} />
      <div className={styles.bar} style={{ width: '60%' }} />
      <div className={styles.block} />
    </div>
  );
}
